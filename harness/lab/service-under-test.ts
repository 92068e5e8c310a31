import type { Kubectl } from '../kube/kubectl.js';
import { JqRunner } from '../queries/jq-runner.js';
import type { Endpoint, ServiceSummary } from '../queries/types.js';
import { notYet, waitFor } from '../util/wait.js';

/** Endpoints a rollout may take to become ready: image already on the nodes, readiness probe every 2 s. */
const ENDPOINTS_READY_TIMEOUT_MS = 120_000;

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

  /** The ready endpoints, once there are `count` of them. */
  async readyEndpoints(count: number, timeoutMs = ENDPOINTS_READY_TIMEOUT_MS): Promise<Endpoint[]> {
    const jq = await JqRunner.load();
    return waitFor(
      async () => {
        const ready = jq.endpoints(await this.endpointSlicesJson()).ready;
        return ready.length >= count ? ready : notYet(`${ready.length} of ${count} endpoints ready`);
      },
      { what: `${count} ready endpoints behind service ${this.name}`, timeoutMs },
    );
  }
}
