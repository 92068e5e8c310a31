import type { Kubectl } from './kubectl.js';
import type { Logger } from '../util/log.js';
import { notYet, waitFor } from '../util/wait.js';

interface NodeList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

interface PodList {
  items: {
    metadata: { name: string; namespace: string };
    status?: { phase?: string; containerStatuses?: { ready: boolean; state?: Record<string, { reason?: string }> }[] };
  }[];
}

/** Waits until `expectedNodes` nodes are Ready and every kube-system pod Running with its containers ready. */
export async function waitForClusterReady(kubectl: Kubectl, expectedNodes: number, log: Logger, signal: AbortSignal, timeoutMs = 300_000): Promise<void> {
  let lastReport = '';
  const report = (line: string) => {
    if (line !== lastReport) log.info(line);
    lastReport = line;
  };
  await waitFor(
    async () => {
      const nodes = await kubectl.json<NodeList>(['get', 'nodes'], { signal });
      const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      report(`nodes Ready: ${ready.length}/${expectedNodes}`);
      return ready.length >= expectedNodes ? true : notYet(`${ready.length} of ${expectedNodes} nodes Ready`);
    },
    { what: `${expectedNodes} nodes to be Ready`, timeoutMs, signal },
  );
  await waitFor(
    async () => {
      const pods = await kubectl.json<PodList>(['get', 'pods', '--namespace', 'kube-system'], { signal });
      const waiting = pods.items.filter((p) => p.status?.phase !== 'Running' || !(p.status.containerStatuses ?? []).every((c) => c.ready));
      report(`kube-system pods Running and ready: ${pods.items.length - waiting.length}/${pods.items.length}`);
      if (pods.items.length > 0 && waiting.length === 0) return true;
      return notYet(waiting.map((p) => `${p.metadata.name}: ${describePod(p)}`).join(', ') || 'no pods yet');
    },
    { what: 'every kube-system pod to be Running', timeoutMs, signal },
  );
}

function describePod(pod: PodList['items'][number]): string {
  const reason = pod.status?.containerStatuses
    ?.map((c) => Object.values(c.state ?? {})[0]?.reason)
    .find(Boolean);
  return reason ?? pod.status?.phase ?? 'unknown';
}
