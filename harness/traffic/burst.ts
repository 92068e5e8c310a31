import type { RequestRecord } from './request-record.js';
import { HttpProber } from './http-prober.js';
import { schedule, type TrafficPlan } from './traffic-plan.js';
import { isConnectionFailure } from './traffic-matrix.js';

export type ProgressListener = (done: number, total: number) => void;

/**
 * Sends the plan with at most `concurrency` requests in flight; records come back in send order.
 * A node with `giveUpAfter` connection failures in a row is given up on: its remaining requests
 * are not sent (so it has fewer records than planned), the other nodes are measured in full.
 */
export async function runBurst(plan: TrafficPlan, onProgress?: ProgressListener, signal?: AbortSignal): Promise<RequestRecord[]> {
  const order = schedule(plan);
  const prober = await HttpProber.create(plan.timeoutMs);
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
        const record = await prober.send(seq, target, plan.sender, plan.request);
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
