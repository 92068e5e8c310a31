import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Measured bursts sent at once in one run. One burst (1,000 new connections per node, or every
 * app pod calling its Service) keeps the host's 2 cores busy by itself. Ten side by side starved
 * the clients and the nodes' kube-proxies alike: a pod's 5 s timer fired after 17 s, so calls
 * "timed out" that the proxy had forwarded (docs/benchmarks.md, 2026-12-06). The features' waits
 * still overlap; only their bursts take turns.
 */
export const BURSTS_AT_ONCE = 1;

/** The run's one lane for measured traffic: a burst waits until the bursts before it have ended. */
export class TrafficLane {
  private readonly limit: LimitFunction;

  constructor(width: number = BURSTS_AT_ONCE) {
    this.limit = pLimit(width);
  }

  /** Runs `burst` once the lane is free; `onWait` is told when it has to wait. */
  run<T>(burst: () => Promise<T>, onWait?: (ahead: number) => void): Promise<T> {
    const ahead = this.limit.activeCount + this.limit.pendingCount;
    if (ahead >= this.limit.concurrency) onWait?.(ahead);
    return this.limit(burst);
  }
}
