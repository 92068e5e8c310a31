/** One node's NodePort (or any address and port that traffic is sent through), as discovered by the jq queries. */
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
  /** Stop sending through a node after this many connection failures in a row (see GIVE_UP_AFTER). */
  giveUpAfter: number;
  /** Nodes already given up on (by an earlier part of the same plan): nothing is sent to them. */
  skipNodes?: string[];
  /**
   * Send again a request whose connection was made but not answered in time (burst.ts): for
   * traffic that judges forwarding, where the handshake already shows what the proxy did. Not for
   * probes whose connecting at all is the finding.
   */
  resendUnanswered?: boolean;
  /**
   * Instead of the app's POST /api/messages: a GET of `path`, whose JSON reply is kept whole in
   * each record (`reply`) and any HTTP answer counts as one. For ports that are not the app's, such
   * as a Service's healthCheckNodePort.
   */
  request?: PlainRequest;
  /** udp: each message is one datagram from a new socket (udp-prober.ts); unset: HTTP over TCP. */
  protocol?: 'tcp' | 'udp';
}

export interface PlainRequest {
  method: 'GET';
  path: string;
}

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Connection failures in a row (refused, reset, timed out) after which a node is given up on.
 * One failed request already fails the node's forwarding check, so this bound only decides how
 * much evidence a broken node gets before it stops costing time: 10 in a row rules out a passing
 * blip, and with a 5 s timeout and 16 requests in flight a node that drops everything is given up
 * on within about two timeouts. The other nodes are still measured in full.
 */
export const GIVE_UP_AFTER = 10;

/**
 * Requests in round-robin order over the nodes, so that whatever changes during a run (a proxy
 * resync, a slow node) touches every node alike instead of the node that happened to go last.
 */
export function schedule(plan: Pick<TrafficPlan, 'targets' | 'requestsPerNode'>): TrafficTarget[] {
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
