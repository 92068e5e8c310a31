import { runBurst, type ProgressListener } from './burst.js';
import type { TrafficClient } from './traffic-client.js';
import type { TrafficPlan } from './traffic-plan.js';

/** Sends from the harness process itself: the nodes' addresses must be routable from this host. */
export class HostTrafficClient implements TrafficClient {
  readonly kind = 'host' as const;

  send(plan: TrafficPlan, onProgress?: ProgressListener, signal?: AbortSignal) {
    return runBurst(plan, onProgress, signal);
  }

  async close(): Promise<void> {}
}
