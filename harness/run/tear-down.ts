import pMap from 'p-map';
import { existsSync } from 'node:fs';
import { releaseLease } from '../cluster/cluster-lease.js';
import { nodeContainers, removeLabelledContainers } from '../cluster/docker.js';
import { Kubectl } from '../kube/kubectl.js';
import { RUN_LEASE } from '../kube/reaper-names.js';
import { leaseHolder } from '../lab/run-lease.js';
import { kubectlCacheDir } from '../kube/kubectl-env.js';
import { clearLabObjects, deleteNamespace, namespaceMeta } from '../lab/namespace-guard.js';
import { CLEARED_AFTER_EACH_RUN, MANAGED_BY, MANAGED_BY_LABEL } from '../lab/ownership.js';
import { resolveKubectl } from '../tools/tool-resolver.js';
import { RUN_LABEL } from '../traffic/client-labels.js';
import type { Logger } from '../util/log.js';
import { providerFor, resolveTools } from './providers.js';
import { runNamespaces } from './run-namespaces.js';
import { readClusterState, type ClusterSource, type RunConfig } from './run-config.js';

type KindSource = Extract<ClusterSource, { kind: 'kind' }>;

export type TearDownOutcome = 'nothing-made' | 'kept' | 'done';

/**
 * Removes what one run made, as far as it is still there: its traffic containers always, then
 * (unless --keep) the cluster it booted, or the namespaces it created (the lab's and the
 * features') and the objects it made in those an admin made for it (--print-rbac). Safe to call again: certify's
 * clean-up calls it on every exit path, `npm test`'s teardown project once the shared chain ends.
 */
export async function tearDownRun(run: RunConfig, log: Logger): Promise<TearDownOutcome> {
  const clients = await removeLabelledContainers(RUN_LABEL, run.runId);
  if (clients.length > 0) log.step(`removed traffic client container ${clients.join(', ')}`);
  let state;
  try {
    state = readClusterState(run);
  } catch {
    return 'nothing-made';
  }
  if (run.keep) {
    // Kept, it is the user's now: no later run deletes it as abandoned.
    if (state.created && run.cluster.kind === 'kind') releaseLease(run.cluster.name);
    log.step(`keeping cluster "${state.info.name}": kubeconfig ${state.info.kubeconfig}`);
    return 'kept';
  }
  if (state.created && run.cluster.kind === 'kind') {
    await deleteKindClusterIfThere(run.cluster, log);
    return 'done';
  }
  const created = new Set([...(state.namespaceCreated ? [run.namespace] : []), ...(state.featureNamespacesCreated ?? [])]);
  const used = runNamespaces(run);
  if (created.size === 0 && !state.survey) return 'done';
  const tools = await resolveTools(run.cluster, log);
  const kubectl = new Kubectl(tools.kubectl ?? (await resolveKubectl(log)).path, state.info.kubeconfig);
  const holder = run.reaper ? await leaseHolder(kubectl, run.namespace) : undefined;
  if (holder !== undefined && holder !== run.runId) {
    // Another run took the namespaces between this one's preflight and its Lease: they are its.
    log.step(`namespace ${run.namespace} is held by certify run ${holder}: left to it`);
    return 'done';
  }
  // A few at once: each is a few kubectl calls that wait on the API server, not on this host.
  await pMap([...new Set([...created, ...used])], async (namespace) => {
    const meta = await namespaceMeta(kubectl, namespace);
    if (!meta || meta.deletionTimestamp) return;
    const ours = meta.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;
    if (ours && created.has(namespace)) {
      log.step(`deleting namespace ${namespace}`);
      await deleteNamespace(kubectl, namespace);
    } else if (ours && meta.annotations?.[CLEARED_AFTER_EACH_RUN] === 'true') {
      // Made ahead by an admin from --print-rbac: the namespace stays, what the features put in
      // it goes (the Lease too), so no NodePort stays open.
      log.step(`deleting the lab's objects in namespace ${namespace}`);
      await clearLabObjects(kubectl, namespace);
    } else if (namespace === run.namespace && holder === run.runId) {
      // Kept by an earlier run (--keep), or the user's: it stays as it is; only this run's Lease
      // goes, so that no later run takes it for a killed run's.
      await kubectl.run(['delete', 'lease', RUN_LEASE, '--ignore-not-found'], { namespace });
    }
  }, { concurrency: 4 });
  return 'done';
}

/** Deletes a kind cluster this run booted, if any of it (nodes or kubeconfig) is still there. */
export async function deleteKindClusterIfThere(source: KindSource, log: Logger): Promise<void> {
  if ((await nodeContainers(source.name)).length === 0 && !existsSync(source.kubeconfig) && !existsSync(kubectlCacheDir(source.kubeconfig))) return;
  log.step(`deleting kind cluster "${source.name}"`);
  await providerFor(source, await resolveTools(source, log), log).down();
}
