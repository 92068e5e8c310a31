import type { Endpoint } from '../queries/types.js';
import type { BalanceInput } from './balance-types.js';

/**
 * One BalanceInput per node from the traffic matrix (node -> pod -> successful responses).
 * externalTrafficPolicy Cluster: every ready endpoint is expected from every node;
 * Local: only the endpoints running on that node.
 */
export function balanceInputsFor(
  nodes: readonly { name: string }[],
  endpoints: readonly Endpoint[],
  matrix: Readonly<Record<string, Readonly<Record<string, number>>>>,
  policy: 'Cluster' | 'Local' = 'Cluster',
): BalanceInput[] {
  return nodes.map(({ name }) => ({
    node: name,
    counts: { ...(matrix[name] ?? {}) },
    expectedEndpoints: endpoints.filter((e) => policy === 'Cluster' || e.node === name).map((e) => e.pod),
  }));
}
