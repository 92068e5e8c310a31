import { existsSync } from 'node:fs';
import { releaseLease } from '../cluster/cluster-lease.js';
import { nodeContainers, removeLabelledContainers } from '../cluster/docker.js';
import { Kubectl } from '../kube/kubectl.js';
import { kubectlCacheDir } from '../kube/kubectl-env.js';
import { MANAGED_BY, MANAGED_BY_LABEL, namespaceMeta } from '../lab/namespace-guard.js';
import { resolveKubectl } from '../tools/tool-resolver.js';
import { RUN_LABEL } from '../traffic/client-labels.js';
import type { Logger } from '../util/log.js';
import { providerFor, resolveTools } from './providers.js';
import { readClusterState, type ClusterSource, type RunConfig } from './run-config.js';

type KindSource = Extract<ClusterSource, { kind: 'kind' }>;

export type TearDownOutcome = 'nothing-made' | 'kept' | 'done';

/**
 * Removes what one run made, as far as it is still there: its traffic containers always, then
 * (unless --keep) the cluster it booted or the namespaces it created (the lab's and the features'). Safe to call again: certify's
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
  const namespaces = [...(state.namespaceCreated ? [run.namespace] : []), ...(state.featureNamespacesCreated ?? [])];
  if (namespaces.length === 0) return 'done';
  const tools = await resolveTools(run.cluster, log);
  const kubectl = new Kubectl(tools.kubectl ?? (await resolveKubectl(log)).path, state.info.kubeconfig);
  for (const namespace of namespaces) {
    const meta = await namespaceMeta(kubectl, namespace);
    if (meta && !meta.deletionTimestamp && meta.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) {
      log.step(`deleting namespace ${namespace}`);
      await kubectl.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
      // Terminating, the namespace takes no new pods; its own pods need not drain for their grace
      // periods (up to 15 s), which a run right after would wait out before it makes the namespace again.
      await kubectl.run(['delete', 'pods', '--all', '--grace-period=1', '--ignore-not-found', '--wait=false'], { namespace });
    }
  }
  return 'done';
}

/** Deletes a kind cluster this run booted, if any of it (nodes or kubeconfig) is still there. */
export async function deleteKindClusterIfThere(source: KindSource, log: Logger): Promise<void> {
  if ((await nodeContainers(source.name)).length === 0 && !existsSync(source.kubeconfig) && !existsSync(kubectlCacheDir(source.kubeconfig))) return;
  log.step(`deleting kind cluster "${source.name}"`);
  await providerFor(source, await resolveTools(source, log), log).down();
}
