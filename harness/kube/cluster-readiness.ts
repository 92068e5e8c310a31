import type { Kubectl } from './kubectl.js';
import type { Logger } from '../util/log.js';
import { notYet, waitFor } from '../util/wait.js';
import type { DaemonSetJson } from './daemonset-readiness.js';

interface NodeList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

export interface PodList {
  items: {
    metadata: { name: string; namespace: string };
    spec?: { hostNetwork?: boolean };
    status?: { phase?: string; containerStatuses?: { ready: boolean; state?: Record<string, { reason?: string }> }[] };
  }[];
}

/**
 * Whether a service proxy runs: kind installed kube-proxy ("installed"), kubeProxyMode none
 * ("none"), or none and no pod network either ("none-and-no-cni": the proxy to be installed is also
 * the CNI, so until it runs the nodes register but are not Ready).
 */
export type ProxyPresence = 'installed' | 'none' | 'none-and-no-cni';

/**
 * Waits until `expectedNodes` nodes are Ready and every kube-system pod Running with its containers
 * ready. Without a proxy, only what can be ready without one: the nodes, every kube-system
 * DaemonSet (the pod network) and the host-network pods (control plane, CNI agent); the pods on the
 * pod network (CoreDNS) reach the API server through the kubernetes Service's ClusterIP, which only
 * a proxy programs, so they are returned as not awaited. Without a pod network either, the nodes
 * only need to have registered, and there is no DaemonSet to wait for.
 */
export async function waitForClusterReady(kubectl: Kubectl, expectedNodes: number, log: Logger, signal: AbortSignal, timeoutMs = 300_000, proxy: ProxyPresence = 'installed'): Promise<{ notAwaited: string[] }> {
  const report = changesOnly(log);
  await waitForNodes(kubectl, expectedNodes, proxy === 'none-and-no-cni' ? 'registered' : 'Ready', report, signal, timeoutMs);
  if (proxy === 'none') {
    await waitFor(
      async () => {
        const sets = await kubectl.json<{ items: DaemonSetJson[] }>(['get', 'daemonsets', '--namespace', 'kube-system'], { signal });
        const waiting = sets.items.filter((d) => !daemonSetReady(d));
        report(`kube-system DaemonSets ready: ${sets.items.length - waiting.length}/${sets.items.length}`);
        if (sets.items.length > 0 && waiting.length === 0) return true;
        return notYet(waiting.map((d) => `${d.metadata.name}: ${d.status?.numberReady ?? 0}/${d.status?.desiredNumberScheduled ?? 0} ready`).join(', ') || 'no DaemonSet yet (the pod network)');
      },
      { what: 'the kube-system DaemonSets (the pod network) to be ready', timeoutMs, signal },
    );
  }
  let notAwaited: string[] = [];
  await waitFor(
    async () => {
      const pods = await kubectl.json<PodList>(['get', 'pods', '--namespace', 'kube-system'], { signal });
      const { awaited, skipped } = podsToAwait(pods.items, proxy);
      notAwaited = skipped.map((p) => p.metadata.name);
      const waiting = awaited.filter((p) => p.status?.phase !== 'Running' || !(p.status.containerStatuses ?? []).every((c) => c.ready));
      const which = proxy === 'installed' ? 'kube-system pods' : 'kube-system host-network pods';
      report(`${which} Running and ready: ${awaited.length - waiting.length}/${awaited.length}`);
      if (awaited.length > 0 && waiting.length === 0) return true;
      return notYet(waiting.map((p) => `${p.metadata.name}: ${describePod(p)}`).join(', ') || 'no pods yet');
    },
    { what: proxy === 'installed' ? 'every kube-system pod to be Running' : 'the kube-system host-network pods to be Running', timeoutMs, signal },
  );
  return { notAwaited };
}

/** A progress reporter that logs a line only when it differs from the one before. */
export function changesOnly(log: Logger): (line: string) => void {
  let last = '';
  return (line) => {
    if (line !== last) log.info(line);
    last = line;
  };
}

/** Waits until `expectedNodes` nodes have registered, or are Ready, reporting the count as it changes. */
export async function waitForNodes(kubectl: Kubectl, expectedNodes: number, state: 'registered' | 'Ready', report: (line: string) => void, signal: AbortSignal, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const nodes = await kubectl.json<NodeList>(['get', 'nodes'], { signal });
      const counted = state === 'registered' ? nodes.items : nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      report(`nodes ${state}: ${counted.length}/${expectedNodes}`);
      return counted.length >= expectedNodes ? true : notYet(`${counted.length} of ${expectedNodes} nodes ${state}`);
    },
    { what: `${expectedNodes} nodes to be ${state}`, timeoutMs, signal },
  );
}

/** Without a proxy only host-network pods can be ready: the others reach the API server through a ClusterIP. */
export function podsToAwait<P extends PodList['items'][number]>(pods: readonly P[], proxy: ProxyPresence): { awaited: P[]; skipped: P[] } {
  if (proxy === 'installed') return { awaited: [...pods], skipped: [] };
  return { awaited: pods.filter((p) => p.spec?.hostNetwork === true), skipped: pods.filter((p) => p.spec?.hostNetwork !== true) };
}

export function daemonSetReady(ds: DaemonSetJson): boolean {
  const s = ds.status ?? {};
  const desired = s.desiredNumberScheduled ?? 0;
  return desired > 0 && (s.numberReady ?? 0) >= desired && (s.observedGeneration ?? 0) >= (ds.metadata.generation ?? 1);
}

function describePod(pod: PodList['items'][number]): string {
  const reason = pod.status?.containerStatuses
    ?.map((c) => Object.values(c.state ?? {})[0]?.reason)
    .find(Boolean);
  return reason ?? pod.status?.phase ?? 'unknown';
}
