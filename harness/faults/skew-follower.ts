import type { Kubectl } from '../kube/kubectl.js';
import { JqRunner } from '../queries/jq-runner.js';
import type { Endpoint } from '../queries/types.js';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { NodeFaultInjector } from './node-fault-injector.js';
import type { ProxyFault } from './proxy-fault.js';

interface KubeObject {
  kind: string;
  metadata: { name: string; namespace: string; creationTimestamp?: string; labels?: Record<string, string> };
  spec?: { type?: string; ports?: { protocol?: string; targetPort?: number | string }[] };
}

/** One time the follower re-aimed (or lifted) the skew. */
export interface SkewEvent {
  at: string;
  service: string | null;
  endpoints: string[];
  targetPort: number | null;
}

/** 2:1:1 (or 2:1, 2:1:1:1): the first endpoint by pod name gets twice the share of each other one. */
export function skewFault(endpoints: readonly Endpoint[]): Extract<ProxyFault, { kind: 'skew' }> {
  return { kind: 'skew', weights: endpoints.map((endpoint, i) => ({ endpoint, weight: i === 0 ? 2 : 1 })) };
}

/**
 * Keeps a 'skew' ProxyFault on one node aimed at Services that come and go, for tests that create
 * their own (upstream's e2e tests do, one at a time, in namespaces of their own). About once a
 * second it picks the newest NodePort or LoadBalancer Service in the namespaces `watch` accepts
 * whose first TCP port has a numeric targetPort and which has at least 2 ready endpoints, and
 * injects the skew over those endpoints with NodeFaultInjector; with no such Service the node is
 * left healthy. Like the fault itself, the skew applies to every NodePort of that node.
 */
export class SkewFollower {
  readonly events: SkewEvent[] = [];
  private current = '';
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly injector: NodeFaultInjector;

  constructor(
    private readonly kubectl: Kubectl,
    readonly node: string,
    private readonly watch: (namespace: string) => boolean,
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
  ) {
    this.injector = new NodeFaultInjector(node);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.injector.clear();
  }

  private async run(): Promise<void> {
    const jq = await JqRunner.load();
    while (!this.stopped) {
      try {
        await this.follow(jq);
      } catch (error) {
        this.log.warn(`skew follower: ${errorMessage(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }

  private async follow(jq: JqRunner): Promise<void> {
    const list = await this.kubectl.json<{ items: KubeObject[] }>(['get', 'services,endpointslices', '--all-namespaces']);
    const services = list.items
      .filter((o) => o.kind === 'Service' && this.watch(o.metadata.namespace) && ['NodePort', 'LoadBalancer'].includes(o.spec?.type ?? ''))
      .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
    for (const service of services) {
      const port = service.spec?.ports?.find((p) => (p.protocol ?? 'TCP') === 'TCP');
      if (typeof port?.targetPort !== 'number') continue;
      const slices = list.items.filter(
        (o) => o.kind === 'EndpointSlice' && o.metadata.namespace === service.metadata.namespace && o.metadata.labels?.['kubernetes.io/service-name'] === service.metadata.name,
      );
      const endpoints = jq.endpoints({ items: slices }).ready;
      if (endpoints.length < 2) continue;
      const name = `${service.metadata.namespace}/${service.metadata.name}`;
      const key = `${name}:${port.targetPort}:${endpoints.map((e) => e.ip).join(',')}`;
      if (key !== this.current) {
        const fault = skewFault(endpoints);
        await this.injector.inject(fault, port.targetPort);
        this.current = key;
        this.record(name, endpoints, port.targetPort);
      }
      return;
    }
    if (this.current !== '') {
      await this.injector.clear();
      this.current = '';
      this.record(null, [], null);
    }
  }

  private record(service: string | null, endpoints: Endpoint[], targetPort: number | null): void {
    this.events.push({ at: new Date().toISOString(), service, endpoints: endpoints.map((e) => e.pod), targetPort });
    this.log.info(service ? `skew on ${this.node} now aimed at ${service} (${endpoints.map((e, i) => `${e.pod}=${i === 0 ? 2 : 1}`).join(', ')})` : `skew on ${this.node} lifted (no Service to aim at)`);
  }
}
