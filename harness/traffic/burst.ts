import type { RequestRecord } from '../report/request-record.js';
import { HttpProber } from './http-prober.js';
import { schedule, type TrafficPlan } from './traffic-plan.js';

export type ProgressListener = (done: number, total: number) => void;

/** Sends the whole plan with at most `concurrency` requests in flight; records come back in seq order. */
export async function runBurst(plan: TrafficPlan, onProgress?: ProgressListener, signal?: AbortSignal): Promise<RequestRecord[]> {
  const order = schedule(plan);
  const prober = new HttpProber(plan.timeoutMs);
  const records: RequestRecord[] = new Array(order.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < order.length) {
      signal?.throwIfAborted();
      const seq = next++;
      records[seq] = await prober.send(seq, order[seq]!, plan.sender);
      onProgress?.(++done, order.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, order.length) }, worker));
  return records;
}
