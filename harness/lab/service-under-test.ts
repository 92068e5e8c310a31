import type { Kubectl } from '../kube/kubectl.js';
import { JqRunner } from '../queries/jq-runner.js';
import type { Endpoint, ServiceSummary } from '../queries/types.js';
import { notYet, waitFor } from '../util/wait.js';

/** Endpoints a rollout may take to become ready: image already on the nodes, readiness probe every 2 s. */
const ENDPOINTS_READY_TIMEOUT_MS = 120_000;

interface ChangeStamps {
  metadata?: { creationTimestamp?: string; managedFields?: { time?: string }[]; annotations?: Record<string, string> };
}

/** The EndpointSlice annotation that says when its endpoints last changed (what kube-proxy measures its programming latency from). */
export const LAST_CHANGE_TRIGGER = 'endpoints.kubernetes.io/last-change-trigger-time';

/**
 * When a Service or its endpoints last changed (epoch ms), as the API records it: the latest
 * creation and managed-field update (every write that changed an object stamps its writer's entry:
 * an apply to the Service's spec, the controller rewriting a slice) of the Service and its
 * EndpointSlices, and their last-change-trigger-time (when the pod change that the slice follows
 * happened; the controller drops it when it cannot tell, e.g. after a scale-down). The API keeps
 * most of these to the second, so the change may have come up to 1 s later: that second is added.
 * The objects must be read with --show-managed-fields.
 */
export function lastChangeOf(service: ChangeStamps, slices: { items: ChangeStamps[] }): number {
  const stampsOf = (o: ChangeStamps) => [o.metadata?.creationTimestamp, o.metadata?.annotations?.[LAST_CHANGE_TRIGGER], ...(o.metadata?.managedFields ?? []).map((f) => f.time)];
  const stamps = [service, ...slices.items].flatMap(stampsOf);
  const times = stamps.flatMap((t) => (t === undefined ? [] : [Date.parse(t)])).filter((t) => Number.isFinite(t));
  if (times.length === 0) throw new Error('the Service carries no creation time');
  return Math.max(...times) + 1_000;
}

/** One Service of a feature, by name in the run's namespace: apply it, read it, wait for its endpoints. */
export class ServiceUnderTest {
  constructor(readonly kubectl: Kubectl, readonly namespace: string, readonly name: string) {}

  /** `kubectl apply` of the feature's manifest (in place: a rerun keeps its ClusterIP and nodePort). */
  async apply(manifest: string | object): Promise<void> {
    if (typeof manifest === 'string') await this.kubectl.run(['apply', '-f', manifest], { namespace: this.namespace });
    else await this.kubectl.run(['apply', '-f', '-'], { namespace: this.namespace, input: JSON.stringify(manifest) });
  }

  async json(): Promise<unknown> {
    return this.kubectl.json(['get', 'service', this.name], { namespace: this.namespace });
  }

  async summary(): Promise<ServiceSummary & { clusterIP: string; healthCheckNodePort: number | null }> {
    const json = (await this.json()) as { spec: { clusterIP: string; healthCheckNodePort?: number } };
    return { ...(await JqRunner.load()).service(json), clusterIP: json.spec.clusterIP, healthCheckNodePort: json.spec.healthCheckNodePort ?? null };
  }

  async endpointSlicesJson(): Promise<unknown> {
    return this.kubectl.json(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${this.name}`], { namespace: this.namespace });
  }

  /** When the Service or its endpoints last changed (see lastChangeOf): a proxy has PROXY_PROGRAMMING_TIMEOUT_MS from then to follow. */
  async lastChangedAt(): Promise<number> {
    const withStamps = { namespace: this.namespace };
    const service = await this.kubectl.json<ChangeStamps>(['get', 'service', this.name, '--show-managed-fields'], withStamps);
    const slices = await this.kubectl.json<{ items: ChangeStamps[] }>(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${this.name}`, '--show-managed-fields'], withStamps);
    return lastChangeOf(service, slices);
  }

  /** The ready endpoints, once there are `count` of them. */
  async readyEndpoints(count: number, timeoutMs = ENDPOINTS_READY_TIMEOUT_MS): Promise<Endpoint[]> {
    const jq = await JqRunner.load();
    return waitFor(
      async () => {
        const ready = jq.endpoints(await this.endpointSlicesJson()).ready;
        return ready.length >= count ? ready : notYet(`${ready.length} of ${count} endpoints ready`);
      },
      { what: `${count} ready endpoints behind service ${this.name}`, timeoutMs, intervalMs: this.kubectl.pollIntervalMs },
    );
  }
}
