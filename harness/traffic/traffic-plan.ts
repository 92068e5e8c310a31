/** One node's NodePort, as discovered by the jq queries. */
export interface TrafficTarget {
  node: string;
  address: string;
  port: number;
}

export interface TrafficPlan {
  targets: TrafficTarget[];
  requestsPerNode: number;
  /** Requests in flight at once, over all nodes. */
  concurrency: number;
  timeoutMs: number;
  /** The `sender` each POST carries; the reply must echo it. */
  sender: string;
}

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Requests in round-robin order over the nodes, so that whatever changes during a run (a proxy
 * resync, a slow node) touches every node alike instead of the node that happened to go last.
 */
export function schedule(plan: TrafficPlan): TrafficTarget[] {
  const order: TrafficTarget[] = [];
  for (let i = 0; i < plan.requestsPerNode; i++) order.push(...plan.targets);
  return order;
}

/**
 * The plan as up to `parts` consecutive plans of whole round-robin rounds; sent one after the
 * other they make the same schedule. For clients that can report progress only between sends.
 */
export function splitPlan(plan: TrafficPlan, parts: number): TrafficPlan[] {
  const size = Math.ceil(plan.requestsPerNode / parts);
  const chunks: TrafficPlan[] = [];
  for (let sent = 0; sent < plan.requestsPerNode; sent += size) chunks.push({ ...plan, requestsPerNode: Math.min(size, plan.requestsPerNode - sent) });
  return chunks;
}

export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
