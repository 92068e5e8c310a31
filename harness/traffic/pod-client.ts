import pRetry from 'p-retry';
import type { Kubectl } from '../kube/kubectl.js';
import type { ProgressListener } from './burst.js';
import type { RequestRecord } from './request-record.js';
import type { TrafficClient } from './traffic-client.js';
import type { TrafficPlan } from './traffic-plan.js';

/** Inside the app image: the same burst code as the host client, bundled by app/build.sh. */
const BURST_ENTRY = '/app/burst.js';

/**
 * kubectl exec's stream through the API server and the kubelet, broken under load (seen with ten
 * features on 2 cores: "error reading from error stream: read message: unexpected EOF"). The
 * burst's own failures say something else, and are not retried.
 */
const STREAM_BROKEN = /unexpected EOF|error reading from error stream|error dialing backend|connection reset by peer|http2: client connection lost/;

/** Sends of one target after a broken stream: its records are lost with the stream, so it is sent again whole. */
const STREAM_RETRIES = 2;

/**
 * Sends from inside the cluster: each target's requests go from the client pod on the target's
 * `node` (so a target names the node the traffic comes FROM, and its address is where it goes:
 * a ClusterIP, a node's address). All pods send at once; each runs the burst code with its share
 * of the concurrency and gives up on its target as the host client would.
 */
export class PodTrafficClient implements TrafficClient {
  readonly kind = 'pod' as const;

  constructor(private readonly kubectl: Kubectl, private readonly namespace: string, private readonly podOnNode: ReadonlyMap<string, string>) {}

  async send(plan: TrafficPlan, onProgress?: ProgressListener, signal?: AbortSignal): Promise<RequestRecord[]> {
    const total = plan.targets.length * plan.requestsPerNode;
    let done = 0;
    onProgress?.(0, total);
    const concurrency = Math.max(1, Math.ceil(plan.concurrency / Math.max(1, plan.targets.length)));
    const perTarget = await Promise.all(
      plan.targets.map(async (target) => {
        const pod = this.podOnNode.get(target.node);
        if (!pod) throw new Error(`no client pod on node ${target.node}`);
        const records = await burstInPod(this.kubectl, this.namespace, pod, { ...plan, targets: [target], concurrency }, signal);
        done += plan.requestsPerNode;
        onProgress?.(done, total);
        return records;
      }),
    );
    return perTarget.flat().map((record, seq) => ({ ...record, seq }));
  }

  async close(): Promise<void> {}
}

/** Runs the burst code in `pod` with `plan`; its records, from the exec's stdout. A broken exec stream sends the plan again. */
export async function burstInPod(kubectl: Kubectl, namespace: string, pod: string, plan: TrafficPlan, signal?: AbortSignal): Promise<RequestRecord[]> {
  const exec = () => kubectl.run(['exec', pod, '--', 'node', BURST_ENTRY, JSON.stringify(plan)], { namespace, signal, timeoutMs: 30 * 60_000 });
  const { stdout } = await pRetry(exec, { retries: STREAM_RETRIES, signal, minTimeout: 200, shouldRetry: (error) => STREAM_BROKEN.test(error.message) });
  return stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as RequestRecord);
}
