import type { Endpoint } from '../queries/types.js';

/** Per node (in the order given), the endpoints running on it: what a Local traffic policy may use there. */
export function endpointsByNode(endpoints: readonly Endpoint[], nodes: readonly string[]): Map<string, Endpoint[]> {
  return new Map(nodes.map((node) => [node, endpoints.filter((e) => e.node === node)]));
}

/**
 * Why a Local traffic policy cannot be checked on these nodes, or null when it can. The check needs
 * a node that holds an endpoint and a node that holds none, and which nodes hold the app's pods is
 * up to the scheduler, so what can be known beforehand is what is certain:
 *  - the pods run only on schedulable nodes (a tainted control plane or a cordoned node holds none),
 *    so there must be one, and the replicas then land on some of them;
 *  - a node holds none for certain when it is not schedulable, or when there are more schedulable
 *    nodes than replicas (the Deployment spreads its pods, but only softly: with as many nodes as
 *    replicas or fewer, every node may get one).
 * A kind cluster with its tainted control plane and at least one worker passes; so does any
 * cluster with more schedulable nodes than --replicas.
 */
export function localPolicyUntestable(nodes: readonly { schedulable: boolean }[], replicas: number): string | null {
  const schedulable = nodes.filter((n) => n.schedulable).length;
  if (schedulable === 0) return 'no node can run the app (every node is tainted or cordoned), so no node holds an endpoint';
  if (schedulable < nodes.length || schedulable > replicas) return null;
  const fix = schedulable > 1 ? `add a node, or pass --replicas ${schedulable - 1} or fewer` : 'add a node';
  return `a node without an endpoint is needed, but every one of the ${schedulable} nodes is schedulable and may get one of the ${replicas} replicas: ${fix}`;
}
