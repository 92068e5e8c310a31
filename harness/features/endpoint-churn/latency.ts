import type { EndpointChange } from '../../kube/endpoint-watch.js';
import type { RequestRecord } from '../../traffic/request-record.js';
import { isSuccessful } from '../../traffic/traffic-matrix.js';

/** How one node followed the endpoint changes: per change, how long until it did. */
export interface NodeFollow {
  node: string;
  /** Per added endpoint: ms from the change to the first answer from it through this node. */
  addedMs: number[];
  /** Per removed endpoint: ms from the change to the last request through this node that it answered (0 when none after the change). */
  removedMs: number[];
  /**
   * Added endpoints not answered through this node within the bound, although it answered at least
   * `missesToFail` requests from others after the bound (and before the first answer, if any).
   */
  neverReached: { pod: string; at: number; misses: number; firstMs: number | null }[];
  /** Added endpoints first answered after the bound, or not yet, with too few answers from others since to tell. */
  undecided: { pod: string; at: number; misses: number; firstMs: number | null }[];
  /** Removed endpoints that still answered through this node later than the bound. */
  stillSent: { pod: string; at: number; lastMs: number }[];
}

/**
 * Answers in a row through a node from endpoints other than a joined one, all sent after the bound,
 * that show the node had not programmed it: had it done so, each answer would have come from the
 * joined endpoint with probability at least 1/`spread` (it spreads over at most `spread`), so that
 * many misses happen by luck with probability (1 - 1/spread)^n <= alpha.
 */
export function missesToFail(alpha: number, spread: number): number {
  return Math.ceil(Math.log(alpha) / Math.log(1 - 1 / spread));
}

/**
 * Black-box network-programming latency per node, from the EndpointSlice changes the watch saw and
 * the requests the stream sent through each node: the time to the first answer from a new endpoint,
 * and to the last answer from a removed one. A first answer later than the bound fails the node
 * only on evidence (missesToFail): a slow stream samples late by itself.
 */
export function followLatencies(records: readonly RequestRecord[], changes: readonly EndpointChange[], nodes: readonly string[], boundMs: number, missesToFail: number): NodeFollow[] {
  return nodes.map((node) => {
    const answered = records.filter((r) => r.node === node && isSuccessful(r));
    const follow: NodeFollow = { node, addedMs: [], removedMs: [], neverReached: [], undecided: [], stillSent: [] };
    for (const change of changes) {
      const fromPod = answered.filter((r) => r.pod === change.pod);
      if (change.change === 'added') {
        const first = fromPod.find((r) => r.sentAt >= change.at);
        const ms = first ? first.sentAt + first.latencyMs - change.at : null;
        if (ms !== null && ms <= boundMs) {
          follow.addedMs.push(ms);
          continue;
        }
        const leftAt = changes.find((c) => c.pod === change.pod && c.change === 'removed' && c.at > change.at)?.at ?? Infinity;
        const until = Math.min(first?.sentAt ?? Infinity, leftAt);
        const misses = answered.filter((r) => r.sentAt > change.at + boundMs && r.sentAt < until).length;
        (misses >= missesToFail ? follow.neverReached : follow.undecided).push({ pod: change.pod, at: change.at, misses, firstMs: ms });
      } else {
        const last = fromPod.filter((r) => r.sentAt >= change.at).at(-1);
        const ms = last ? last.sentAt - change.at : 0;
        if (ms > boundMs) follow.stillSent.push({ pod: change.pod, at: change.at, lastMs: ms });
        else follow.removedMs.push(ms);
      }
    }
    return follow;
  });
}
