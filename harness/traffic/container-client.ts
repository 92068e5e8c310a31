import type { StartedTestContainer } from 'testcontainers';
import { ROLE_LABEL, RUN_LABEL } from './client-labels.js';
import type { RequestRecord } from './request-record.js';
import type { ProgressListener } from './burst.js';
import type { TrafficClient } from './traffic-client.js';
import { splitPlan, type TrafficPlan } from './traffic-plan.js';

/** The host client reports every quarter; so does this one, on plans long enough to watch. */
const PROGRESS_PARTS = 4;
/**
 * Requests below which a plan goes in one exec: each exec starts Node.js in the container (about
 * a second here), and a round of probes that time out would wait out its timeout once per part.
 */
const SPLIT_FROM = 400;

/** Inside the app image: the same burst code as the host client, bundled by app/build.sh. */
const BURST_ENTRY = '/app/burst.js';

/**
 * Sends from a container attached to the cluster's Docker network, as a client outside the
 * cluster but next to the nodes would. Runs the same burst code as the host client.
 */
export class ContainerTrafficClient implements TrafficClient {
  readonly kind = 'container' as const;
  private container: StartedTestContainer | undefined;

  private constructor(private readonly image: string, private readonly network: string) {}

  static async start(image: string, network: string, runId: string): Promise<ContainerTrafficClient> {
    // The reaper image cannot be pulled offline; the harness removes its container itself.
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
    // Loaded here, not at the top: it takes most of a second, and host-client runs never need it.
    const { GenericContainer } = await import('testcontainers');
    const client = new ContainerTrafficClient(image, network);
    client.container = await new GenericContainer(image)
      .withNetworkMode(network)
      .withEntrypoint(['sleep'])
      .withCommand(['infinity'])
      .withLabels({ [ROLE_LABEL]: 'traffic-client', [RUN_LABEL]: runId })
      .start();
    return client;
  }

  /** The container's id (another container may join its network namespace by it). */
  get id(): string {
    if (!this.container) throw new Error('the traffic container is not running');
    return this.container.getId();
  }

  /** The container's address on the cluster's network: the source address the nodes see. */
  get address(): string {
    if (!this.container) throw new Error('the traffic container is not running');
    return this.container.getIpAddress(this.network);
  }

  async send(plan: TrafficPlan, onProgress?: ProgressListener, signal?: AbortSignal): Promise<RequestRecord[]> {
    const total = plan.targets.length * plan.requestsPerNode;
    onProgress?.(0, total);
    const records: RequestRecord[] = [];
    const skipNodes = new Set(plan.skipNodes ?? []);
    let planned = 0;
    // An exec answers only when it ends; sending in parts lets progress show on long runs.
    for (const part of splitPlan(plan, total < SPLIT_FROM ? 1 : PROGRESS_PARTS)) {
      signal?.throwIfAborted();
      const offset = records.length;
      const sent = await this.sendPart({ ...part, skipNodes: [...skipNodes] });
      for (const record of sent) records.push({ ...record, seq: offset + record.seq });
      planned += part.requestsPerNode;
      // A node given up on in one part stays given up on: it sent fewer than planned so far.
      for (const target of plan.targets) if (records.filter((r) => r.node === target.node).length < planned) skipNodes.add(target.node);
      onProgress?.(planned * plan.targets.length, total);
    }
    return records;
  }

  private async sendPart(plan: TrafficPlan): Promise<RequestRecord[]> {
    if (!this.container) throw new Error('the traffic container is not running');
    const result = await this.container.exec(['node', BURST_ENTRY, JSON.stringify(plan)]);
    if (result.exitCode !== 0) {
      throw new Error(`traffic client in ${this.image} on network ${this.network} exited ${result.exitCode}: ${result.stderr.trim().split('\n').pop()}`);
    }
    return result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as RequestRecord);
  }

  async close(): Promise<void> {
    await this.container?.stop({ timeout: 1_000, remove: true, removeVolumes: true });
    this.container = undefined;
  }
}
