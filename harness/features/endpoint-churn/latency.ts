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
  /** Added endpoints that never answered through this node within the bound. */
  neverReached: { pod: string; at: number }[];
  /** Removed endpoints that still answered through this node later than the bound. */
  stillSent: { pod: string; at: number; lastMs: number }[];
}

/**
 * Black-box network-programming latency per node, from the EndpointSlice changes the watch saw and
 * the requests the stream sent through each node: the time to the first answer from a new endpoint,
 * and to the last answer from a removed one.
 */
export function followLatencies(records: readonly RequestRecord[], changes: readonly EndpointChange[], nodes: readonly string[], boundMs: number): NodeFollow[] {
  return nodes.map((node) => {
    const answered = records.filter((r) => r.node === node && isSuccessful(r));
    const follow: NodeFollow = { node, addedMs: [], removedMs: [], neverReached: [], stillSent: [] };
    for (const change of changes) {
      const fromPod = answered.filter((r) => r.pod === change.pod);
      if (change.change === 'added') {
        const first = fromPod.find((r) => r.sentAt >= change.at);
        const ms = first ? first.sentAt + first.latencyMs - change.at : null;
        if (ms === null || ms > boundMs) follow.neverReached.push({ pod: change.pod, at: change.at });
        else follow.addedMs.push(ms);
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

/** The p-th percentile (nearest rank) of some values; null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
