import type { Kubectl } from './kubectl.js';

/** What the harness takes for granted while it measures: the nodes and the app's pods, as they were. */
export interface EnvironmentSnapshot {
  nodes: { name: string; ready: boolean; condition: string }[];
  pods: { name: string; uid: string; ip: string | null; node: string | null; ready: boolean; restarts: number; deleting: boolean }[];
}

interface NodeList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string; reason?: string }[] } }[];
}

interface PodList {
  items: {
    metadata: { name: string; uid: string; deletionTimestamp?: string };
    spec?: { nodeName?: string };
    status?: { podIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { restartCount?: number }[] };
  }[];
}

/** Reads every node and the pods matching `selector` in `namespace`, in parallel. */
export async function readEnvironment(kubectl: Kubectl, namespace: string, selector: string, signal?: AbortSignal): Promise<EnvironmentSnapshot> {
  const [nodes, pods] = await Promise.all([
    kubectl.json<NodeList>(['get', 'nodes'], { signal }),
    kubectl.json<PodList>(['get', 'pods', '-l', selector], { namespace, signal }),
  ]);
  return {
    nodes: nodes.items.map((n) => {
      const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
      return { name: n.metadata.name, ready: ready?.status === 'True', condition: ready ? `Ready=${ready.status}${ready.reason ? ` (${ready.reason})` : ''}` : 'no Ready condition' };
    }),
    pods: pods.items
      .map((p) => ({
        name: p.metadata.name,
        uid: p.metadata.uid,
        ip: p.status?.podIP ?? null,
        node: p.spec?.nodeName ?? null,
        ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
        restarts: (p.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
        deleting: p.metadata.deletionTimestamp !== undefined,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** What makes a snapshot unfit for measuring a proxy: NotReady nodes, app pods not ready or going away. */
export function environmentProblems(snapshot: EnvironmentSnapshot): string[] {
  return [
    ...snapshot.nodes.filter((n) => !n.ready).map((n) => `node ${n.name} is NotReady (${n.condition})`),
    ...snapshot.pods.filter((p) => p.deleting).map((p) => `pod ${p.name} is being deleted`),
    ...snapshot.pods.filter((p) => !p.deleting && !p.ready).map((p) => `pod ${p.name} is not ready`),
  ];
}

/** What changed between two snapshots that would make a measurement blame the proxy for something else. */
export function environmentChanges(before: EnvironmentSnapshot, after: EnvironmentSnapshot): string[] {
  const changes: string[] = [];
  const nodesBefore = new Map(before.nodes.map((n) => [n.name, n]));
  for (const node of after.nodes) {
    const was = nodesBefore.get(node.name);
    if (!was) changes.push(`node ${node.name} joined`);
    else if (was.ready && !node.ready) changes.push(`node ${node.name} became NotReady (${node.condition})`);
  }
  for (const node of before.nodes) if (!after.nodes.some((n) => n.name === node.name)) changes.push(`node ${node.name} left the cluster`);
  const podsAfter = new Map(after.pods.map((p) => [p.name, p]));
  for (const pod of before.pods) {
    const now = podsAfter.get(pod.name);
    if (!now || now.uid !== pod.uid) changes.push(`pod ${pod.name} was deleted`);
    else if (now.deleting && !pod.deleting) changes.push(`pod ${pod.name} is being deleted`);
    else if (now.restarts > pod.restarts) changes.push(`pod ${pod.name} restarted (${pod.restarts} -> ${now.restarts} restarts)`);
    else if (now.ip !== pod.ip) changes.push(`pod ${pod.name} changed IP (${pod.ip} -> ${now.ip})`);
    else if (pod.ready && !now.ready) changes.push(`pod ${pod.name} stopped being ready`);
  }
  const names = new Set(before.pods.map((p) => p.name));
  for (const pod of after.pods) if (!names.has(pod.name)) changes.push(`pod ${pod.name} appeared`);
  return changes;
}
