import { yaml } from '../util/yaml.js';
import { Kubectl } from '../kube/kubectl.js';
import { judgeDaemonSet, readyTimeoutMs, type DaemonSetJson, type PodJson, type PodProblem } from '../kube/daemonset-readiness.js';
import { CommandError, UsageError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { notYet, waitFor } from '../util/wait.js';
import { imageExists } from './docker.js';
import { neverPulledImages, type ProxyDaemonSet, type ProxyManifests } from './proxy-manifest.js';

export interface ProxyInstallOptions {
  kubectl: Kubectl;
  log: Logger;
  signal: AbortSignal;
  /**
   * Makes an image of the local Docker engine available to the nodes (`kind load docker-image`).
   * Omit it for clusters whose nodes pull their images.
   */
  loadImage?: (ref: string, signal: AbortSignal) => Promise<void>;
  /** Overrides the derived timeout (readyTimeoutMs in harness/kube/daemonset-readiness.ts). */
  timeoutMs?: number;
}

export interface InstalledProxy {
  daemonSets: { namespace: string; name: string; nodes: number }[];
  /** Images loaded from the local Docker engine into the nodes. */
  loadedImages: string[];
  elapsedMs: number;
}

/**
 * Installs a proxy from its manifests: loads the images that exist in local Docker into the
 * nodes, applies the manifests, and waits until every DaemonSet is ready on every node it
 * targets. A pod that crashes or never becomes ready is a UsageError (exit 2) naming the pod,
 * its node and its last log lines.
 */
export async function installProxy(manifests: ProxyManifests, options: ProxyInstallOptions): Promise<InstalledProxy> {
  const started = Date.now();
  const loadedImages = options.loadImage ? await loadLocalImages(manifests.images, options.loadImage, options.log, options.signal) : [];
  await applyManifests(options.kubectl, manifests, options.log, options.signal);
  const neverPulled = neverPulledImages(manifests);
  const imagesOnNodes = manifests.images.every((image) => loadedImages.includes(image) || neverPulled.includes(image));
  const timeoutMs = options.timeoutMs ?? readyTimeoutMs(manifests.daemonSets.map((d) => d.object as unknown as DaemonSetJson), imagesOnNodes);
  const daemonSets = await waitForDaemonSets(options.kubectl, manifests.daemonSets, { timeoutMs, log: options.log, signal: options.signal });
  return { daemonSets, loadedImages, elapsedMs: Date.now() - started };
}

/** Loads each image that the local Docker engine has into the nodes; returns those it loaded. */
export async function loadLocalImages(images: readonly string[], loadImage: NonNullable<ProxyInstallOptions['loadImage']>, log: Logger, signal: AbortSignal): Promise<string[]> {
  const loaded: string[] = [];
  for (const image of images) {
    if (!(await imageExists(image).catch(() => false))) {
      log.info(`${image} is not in local Docker: the nodes must pull it`);
      continue;
    }
    log.step(`loading ${image} into the nodes`);
    await loadImage(image, signal);
    loaded.push(image);
  }
  return loaded;
}

/** `kubectl apply -f -` with every object, Namespaces and CRDs first. */
export async function applyManifests(kubectl: Kubectl, manifests: ProxyManifests, log: Logger, signal: AbortSignal): Promise<void> {
  log.step(`applying ${manifests.objects.length} objects from ${manifests.source}`);
  const input = manifests.objects.map((o) => yaml().stringify(o.object)).join('---\n');
  try {
    const { stdout } = await kubectl.run(['apply', '-f', '-'], { input, signal });
    for (const line of stdout.split('\n').filter(Boolean)) log.info(line);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    const detail = error.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' | ');
    throw new UsageError(`kubectl apply of ${manifests.source} failed (${detail})`, 'fix the manifests so that `kubectl apply -f` accepts them');
  }
}

/**
 * Pods of a DaemonSet end within their grace period (30 s unless the manifest says otherwise); the
 * delete waits for them (foreground), with room for a loaded node's kubelet.
 */
const REMOVE_TIMEOUT_S = 120;

/**
 * Deletes what applyManifests made, last applied first, and waits until the proxy's pods are gone,
 * so that the next proxy installed on the same cluster starts alone. Rules the proxy programmed on
 * the nodes stay until the next proxy replaces them (kube-proxy clears the other modes' on start).
 */
export async function removeProxy(kubectl: Kubectl, manifests: ProxyManifests, log: Logger): Promise<void> {
  log.step(`removing the proxy installed from ${manifests.source}`);
  const input = [...manifests.objects].reverse().map((o) => yaml().stringify(o.object)).join('---\n');
  await kubectl.run(['delete', '-f', '-', '--ignore-not-found', '--cascade=foreground', '--wait', `--timeout=${REMOVE_TIMEOUT_S}s`], {
    input,
    timeoutMs: (REMOVE_TIMEOUT_S + 15) * 1000,
  });
}

/** Waits until each DaemonSet is ready on every node it targets; fails fast on a crashing pod. */
export async function waitForDaemonSets(
  kubectl: Kubectl,
  daemonSets: readonly Pick<ProxyDaemonSet, 'namespace' | 'name'>[],
  options: { timeoutMs: number; log: Logger; signal: AbortSignal },
): Promise<InstalledProxy['daemonSets']> {
  const { log, signal } = options;
  const done: InstalledProxy['daemonSets'] = [];
  const deadline = Date.now() + options.timeoutMs;
  for (const { namespace, name } of daemonSets) {
    const label = `DaemonSet ${namespace}/${name}`;
    log.step(`waiting for ${label} to be ready on every node it targets (at most ${Math.round((deadline - Date.now()) / 1000)} s)`);
    let last: { ds: DaemonSetJson; pods: PodJson[] } | undefined;
    let lastLine = '';
    const outcome = await waitFor<DaemonSetOutcome>(
      async () => {
        const ds = await kubectl.json<DaemonSetJson>(['get', 'daemonset', name], { namespace, signal });
        const pods = (await kubectl.json<{ items: PodJson[] }>(['get', 'pods'], { namespace, signal })).items;
        last = { ds, pods };
        const verdict = judgeDaemonSet(ds, pods);
        if (verdict.state !== 'waiting') return verdict;
        const line = `${label}: ${verdict.reason}${verdict.pod ? ` (${verdict.pod.pod}: ${verdict.pod.condition})` : ''}`;
        if (line !== lastLine) log.info((lastLine = line));
        return notYet(verdict.reason);
      },
      { what: label, timeoutMs: Math.max(1_000, deadline - Date.now()), intervalMs: 2_000, signal },
    ).catch(async (error: unknown) => {
      if (signal.aborted) throw error;
      // The timeout: name a pod that is not ready, with its logs.
      const verdict = last ? judgeDaemonSet(last.ds, last.pods) : undefined;
      const seconds = Math.round(options.timeoutMs / 1000);
      if (verdict?.state === 'waiting' && verdict.pod) throw await podError(kubectl, namespace, label, verdict.pod, `is not ready after ${seconds} s`);
      throw new UsageError(
        `${label} is not ready after ${seconds} s (${verdict?.state === 'waiting' ? verdict.reason : (error as Error).message})`,
        `fix the DaemonSet; see \`kubectl --kubeconfig ${kubectl.kubeconfig} --namespace ${namespace} describe daemonset ${name}\``,
      );
    });
    if (outcome.state === 'failed') throw await podError(kubectl, namespace, label, outcome.pod, 'is failing');
    if (outcome.state === 'no-nodes') {
      throw new UsageError(`${label} targets no node (its nodeSelector, affinity or tolerations match none)`, 'fix the DaemonSet so that it runs on every node: a service proxy must run where it forwards');
    }
    done.push({ namespace, name, nodes: outcome.nodes });
    log.info(`${label}: ready on ${outcome.nodes} nodes`);
  }
  return done;
}

type DaemonSetOutcome = Exclude<ReturnType<typeof judgeDaemonSet>, { state: 'waiting' }>;

/** One line: the pod, its node, what kubelet says and its last log lines. */
async function podError(kubectl: Kubectl, namespace: string, label: string, problem: PodProblem, what: string): Promise<UsageError> {
  const logs = await lastLogLines(kubectl, namespace, problem);
  const command = `kubectl --kubeconfig ${kubectl.kubeconfig} --namespace ${namespace} logs ${problem.pod}${problem.container ? ` -c ${problem.container}` : ''}${problem.restarted ? ' --previous' : ''}`;
  return new UsageError(
    `${label}: pod ${problem.pod}${problem.node ? ` on node ${problem.node}` : ''} ${what} (${problem.condition}); last log lines: ${logs || '(none)'}`,
    `fix the proxy so that its pods run and become ready; see \`${command}\``,
  );
}

/**
 * kubelet's answer (200, as if it were the log) when a container's log file is gone, as it can be
 * for a crashed instance already replaced: no log, so the other instance's is read instead.
 */
const LOG_GONE = /^unable to retrieve container logs for /;

export async function lastLogLines(kubectl: Kubectl, namespace: string, problem: PodProblem, lines = 5): Promise<string> {
  const args = ['logs', problem.pod, `--tail=${lines}`];
  if (problem.container) args.push('-c', problem.container);
  const read = async (previous: boolean) => {
    const { stdout, exitCode } = await kubectl.run(previous ? [...args, '--previous'] : args, { namespace, check: false, timeoutMs: 20_000 });
    return exitCode === 0 && !LOG_GONE.test(stdout.trim()) ? stdout : '';
  };
  // A crashed container's own log is the previous instance's; fall back to the other one.
  const text = problem.restarted ? (await read(true)) || (await read(false)) : (await read(false)) || (await read(true));
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .map((l) => (l.length > 200 ? `${l.slice(0, 197)}...` : l))
    .join(' | ');
}
