import type { ProgressListener } from './burst.js';
import type { RequestRecord } from './request-record.js';
import type { TrafficClient } from './traffic-client.js';
import type { TrafficPlan } from './traffic-plan.js';

/**
 * Several clients (each its own source address) sending the same plan at once, as one client:
 * every source sends every request of the plan, with the plan's concurrency each. Records come
 * back source after source; `sourceAddress` tells them apart.
 */
export class ManySourcesClient implements TrafficClient {
  readonly kind: TrafficClient['kind'];

  constructor(readonly sources: readonly TrafficClient[]) {
    if (sources.length === 0) throw new Error('ManySourcesClient needs at least one source');
    this.kind = sources[0]!.kind;
  }

  async send(plan: TrafficPlan, onProgress?: ProgressListener, signal?: AbortSignal): Promise<RequestRecord[]> {
    const done = new Array<number>(this.sources.length).fill(0);
    let total = 0;
    const perSource = await Promise.all(
      this.sources.map((source, i) =>
        source.send(
          plan,
          (sent, of) => {
            done[i] = sent;
            total = of * this.sources.length;
            onProgress?.(done.reduce((a, b) => a + b, 0), total);
          },
          signal,
        ),
      ),
    );
    return perSource.flat().map((record, seq) => ({ ...record, seq }));
  }

  async close(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.close()));
  }
}
