import type { RequestRecord } from './request-record.js';
import { HttpProber } from './http-prober.js';
import { UdpProber } from './udp-prober.js';
import { schedule, type TrafficPlan } from './traffic-plan.js';
import { APP_STALLED, CLIENT_STALLED, isConnectionFailure } from './traffic-matrix.js';

export type ProgressListener = (done: number, total: number) => void;

/**
 * Sends the plan with at most `concurrency` requests in flight; records come back in send order.
 * A node with `giveUpAfter` connection failures in a row is given up on: its remaining requests
 * are not sent (so it has fewer records than planned), the other nodes are measured in full.
 */
export async function runBurst(plan: TrafficPlan, onProgress?: ProgressListener, signal?: AbortSignal): Promise<RequestRecord[]> {
  const order = schedule(plan);
  const prober = plan.protocol === 'udp' ? new UdpProber(plan.timeoutMs) : await HttpProber.create(plan.timeoutMs);
  const records: (RequestRecord | undefined)[] = new Array(order.length);
  const failuresInARow = new Map<string, number>();
  const givenUp = new Set(plan.skipNodes ?? []);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < order.length) {
      signal?.throwIfAborted();
      const seq = next++;
      const target = order[seq]!;
      if (!givenUp.has(target.node)) {
        const record = await sendThroughStalls(() => prober.send(seq, target, plan.sender, plan.request), plan);
        records[seq] = record;
        const inARow = isConnectionFailure(record) ? (failuresInARow.get(target.node) ?? 0) + 1 : 0;
        failuresInARow.set(target.node, inARow);
        if (inARow >= plan.giveUpAfter) givenUp.add(target.node);
      }
      onProgress?.(++done, order.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, order.length) }, worker));
  return records.filter((r): r is RequestRecord => r !== undefined).map((r, seq) => ({ ...r, seq }));
}

/**
 * How late a timeout may fire and still count. A timer fires within milliseconds of its time in a
 * process that runs; one a fifth of its length late (1 s of the 5 s default) means the client got
 * no CPU for that long, and after such a stall Node runs the timers before reading the sockets, so
 * a reply that had arrived meanwhile is reported as a timeout. Seen on 2 cores with ten features
 * side by side: a pod's 5 s timers fired after 10 to 17 s (docs/benchmarks.md, 2026-12-06).
 */
export const STALL_MARGIN = 0.2;

/** Sends of one request, at most, while its timeouts keep firing late; the last is kept whatever it says. */
export const STALLED_SENDS = 3;

/** A timeout that fired so late that the client, not the network, was not running. */
export function timedOutLate(record: RequestRecord, timeoutMs: number): boolean {
  return record.status === null && /^ECONNABORTED/.test(record.error ?? '') && record.latencyMs > timeoutMs * (1 + STALL_MARGIN);
}

/**
 * A failure the client read only after its own timeout was due: a refusal or reset cannot take
 * longer than the timeout unless the timer was held up, so the client did not run and the time is
 * its own, not the network's. After a stall Node may read a socket that became ready meanwhile
 * before it runs the expired timer: a refusal that came at 1 s is then read at 3.08 s (CI, 2026-12-06,
 * NoEndpoints' ClusterIP probe from a client pod).
 */
export function failedAfterTimeout(record: RequestRecord, timeoutMs: number): boolean {
  return record.status === null && record.error !== null && !/^ECONNABORTED/.test(record.error) && record.latencyMs > timeoutMs;
}

/**
 * A request that timed out after its TCP handshake. Through a virtual address only the pod the
 * proxy picked can complete the handshake, so the proxy has forwarded it; the missing answer is the
 * app's, which on 2 busy cores got no CPU in time. A drop never connects.
 */
export function unansweredAfterConnect(record: RequestRecord): boolean {
  return record.status === null && record.clientPort !== null && /^ECONNABORTED/.test(record.error ?? '');
}

/** Why a send is no evidence about the proxy and is sent again, or null when it is evidence. */
function stallOf(record: RequestRecord, plan: Pick<TrafficPlan, 'timeoutMs' | 'resendUnanswered'>): string | null {
  if (timedOutLate(record, plan.timeoutMs)) return `${CLIENT_STALLED}: its ${plan.timeoutMs} ms timeout fired after ${Math.round(record.latencyMs)} ms`;
  if (failedAfterTimeout(record, plan.timeoutMs)) return `${CLIENT_STALLED}: read its failure after ${Math.round(record.latencyMs)} ms, past its ${plan.timeoutMs} ms timeout`;
  if (plan.resendUnanswered && unansweredAfterConnect(record)) return `${APP_STALLED}: connected, no answer within ${plan.timeoutMs} ms`;
  return null;
}

/** `send`, sent again while it is no evidence (a stalled client, or a connected request the app left unanswered). */
export async function sendThroughStalls(send: () => Promise<RequestRecord>, plan: Pick<TrafficPlan, 'timeoutMs' | 'resendUnanswered'>): Promise<RequestRecord> {
  let record = await send();
  for (let stalled = 1; stalled < STALLED_SENDS && stallOf(record, plan) !== null; stalled++) record = { ...(await send()), stalledSends: stalled };
  const stall = stallOf(record, plan);
  if (stall !== null) record = { ...record, error: `${stall}, ${STALLED_SENDS} sends in a row (${record.error})` };
  return record;
}
