import path from 'node:path';
import { ApiProxies } from '../kube/api-proxies.js';
import { claimNamespace } from '../lab/namespace-guard.js';
import { Kubectl } from '../kube/kubectl.js';
import { resolveKubectl } from '../tools/tool-resolver.js';
import { run as exec } from '../util/exec.js';
import { REPO_ROOT } from '../util/repo-root.js';
import type { Logger } from '../util/log.js';
import { surveyCluster } from './cluster-survey.js';
import type { RunGuard } from './run-guard.js';
import { providerFor, resolveTools } from './providers.js';
import { writeClusterState, type ClusterState, type RunConfig } from './run-config.js';

/**
 * Boots the run's cluster (or attaches to the one given), puts the app image on its nodes, claims
 * the lab namespace (and with `guard`, takes the run's Lease and starts its reaper) and surveys the cluster; the state it writes is what every spec and the
 * teardown read (its reads through `api` when given). certify calls it in its own process; `npm test`'s setup project calls it for the
 * cluster the projects share. The state is written before each step that makes something, so a
 * clean-up after a failure or Ctrl-C knows what to delete.
 */
export async function setUpCluster(run: RunConfig, log: Logger, signal: AbortSignal, api?: ApiProxies, guard?: RunGuard): Promise<ClusterState> {
  const tools = await resolveTools(run.cluster, log);
  const provider = providerFor(run.cluster, tools, log, api);
  // The image build needs no cluster: it runs while the cluster boots (or is attached to), and
  // stops when that fails.
  const failed = new AbortController();
  const image = run.appImage ? Promise.resolve(run.appImage) : buildAppImage(log, AbortSignal.any([signal, failed.signal]));
  image.catch(() => {});
  let info;
  try {
    info = await provider.up(signal);
  } catch (error) {
    failed.abort();
    await image.catch(() => {});
    if ('createdHere' in provider && provider.createdHere) await provider.down();
    throw error;
  }
  const created = run.cluster.kind === 'kind' && 'createdHere' in provider && provider.createdHere === true;
  writeClusterState(run, { info, created, namespaceCreated: false, appImage: '' });

  const appImage = await image;
  if (run.appImage) log.step(`app image ${appImage}: the nodes pull it (--image)`);
  const direct = new Kubectl(tools.kubectl ?? (await resolveKubectl(log)).path, info.kubeconfig);
  const kubectl = await ApiProxies.attachIfAny(api, direct);
  const [, claim, survey] = await settledAll([
    run.appImage ? Promise.resolve() : provider.loadImage(appImage, signal),
    // Recorded before the namespace is made, so a Ctrl-C just after still deletes it; guarded,
    // the run's Lease is made with it, and renewed from the moment it is claimed.
    claimNamespace(kubectl, run.namespace, {
      log,
      beforeCreate: () => writeClusterState(run, { info, created, namespaceCreated: true, appImage }),
      ...(guard ? { reapedFrom: run.namespace, withObjects: [guard.lease()] } : {}),
    }).then(async (claim) => {
      await guard?.hold(kubectl, claim);
      return claim;
    }),
    surveyCluster(kubectl, info, run),
  ] as const);
  // The reaper runs the app image: on the nodes by now.
  await guard?.startReaper(kubectl, claim, appImage);
  const state = { info, created, namespaceCreated: claim.created, appImage, survey, kubectl: direct.binary };
  writeClusterState(run, state);
  log.step(`cluster "${info.name}" ready: ${info.kubeconfig}`);
  return state;
}

async function buildAppImage(log: Logger, signal: AbortSignal): Promise<string> {
  log.step('building the helloworld image (cached when unchanged)');
  const { stdout } = await exec('bash', [path.join(REPO_ROOT, 'app/build-image.sh')], { signal, onStderrLine: (l) => l.trim() && log.info(l) });
  return stdout.trim().split('\n').pop() ?? '';
}

/** Like Promise.all, but settles only once every step has ended, so none runs on after a failure. */
async function settledAll<T extends readonly Promise<unknown>[]>(steps: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const outcomes = await Promise.allSettled(steps);
  const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (rejected) throw rejected.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
