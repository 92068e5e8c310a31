import type { RequestRecord } from './request-record.js';
import type { TrafficClient } from './traffic-client.js';
import type { TrafficTarget } from './traffic-plan.js';

/**
 * Traffic that keeps flowing through every target until stopped, in rounds (one request per
 * target each), while something else changes the cluster. Records carry their send times. A target
 * is never given up on: a stream measures how a node follows a change, failures included.
 */
export class TrafficStream {
  readonly records: RequestRecord[] = [];
  private stopped = false;
  private running: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly client: TrafficClient,
    private readonly targets: readonly TrafficTarget[],
    private readonly options: { roundsPerCall: number; inFlightPerTarget: number; timeoutMs: number; sender: string },
  ) {}

  start(): void {
    this.running = (async () => {
      while (!this.stopped) {
        const plan = { targets: [...this.targets], requestsPerNode: this.options.roundsPerCall, concurrency: this.targets.length * this.options.inFlightPerTarget, timeoutMs: this.options.timeoutMs, sender: this.options.sender, giveUpAfter: Number.MAX_SAFE_INTEGER };
        this.records.push(...(await this.client.send(plan)));
      }
    })().catch((error: unknown) => {
      this.failure = error;
    });
  }

  /** Stops after the round in flight; throws if the client failed. */
  async stop(): Promise<RequestRecord[]> {
    this.stopped = true;
    await this.running;
    if (this.failure) throw this.failure;
    return this.records.map((r, seq) => ({ ...r, seq }));
  }
}
