import type { RequestRecord } from './request-record.js';
import type { TrafficClient } from './traffic-client.js';
import type { TrafficTarget } from './traffic-plan.js';

/**
 * A connection reached something when its TCP handshake completed (the client port is read at
 * connect) or an HTTP answer came back. Through a virtual address only the proxy's pick, a pod,
 * can complete the handshake; a drop (a timeout) or a refusal never does.
 */
export function connected(record: RequestRecord): boolean {
  return record.clientPort !== null || record.status !== null;
}

/**
 * Each probe's timeout. A node that forwards completes the handshake within milliseconds here; a
 * lost SYN is sent again after 1 s (TCP's initial retransmission timeout), so 3 s still sees a
 * forwarded connection whose first SYN was lost, and upstream's e2e check of this behaviour uses
 * the same 3 s connect timeout. A drop costs the full 3 s, but every probe of a round is in flight
 * at once.
 */
export const UNREACHED_TIMEOUT_MS = 3_000;

/**
 * Rounds of `probes` connections to every target at once (stats/unreached-probes.ts sizes them),
 * until `until` (epoch ms) has passed, at least one round. Before a proxy programs a virtual address, nothing answers on it
 * either, so a round too early proves nothing; probing until the proxy's bound after the last
 * change makes the last rounds count, and every earlier one is evidence too (no state of a correct
 * proxy forwards these connections). Every record is returned.
 */
export async function probeUnreached(client: TrafficClient, targets: readonly TrafficTarget[], until: number, probes: number, sender = 'world1'): Promise<RequestRecord[]> {
  const records: RequestRecord[] = [];
  do {
    const round = await client.send({
      targets: [...targets],
      requestsPerNode: probes,
      concurrency: probes * targets.length,
      timeoutMs: UNREACHED_TIMEOUT_MS,
      sender,
      // Every probe is expected to fail: none is given up on.
      giveUpAfter: probes + 1,
    });
    records.push(...round.map((r) => ({ ...r, seq: records.length + r.seq })));
  } while (Date.now() < until);
  return records;
}
