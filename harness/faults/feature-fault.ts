import type { Kubectl } from '../kube/kubectl.js';
import { ServiceUnderTest } from '../lab/service-under-test.js';
import type { Endpoint } from '../queries/types.js';
import { NodeFaultInjector } from './node-fault-injector.js';
import { namesItsTraffic, type FaultFamily, type ProxyFault } from './proxy-fault.js';

/** Where a feature's fault is made: one node (a kind node container) of a cluster the feature already ran on. */
export interface FaultContext {
  kubectl: Kubectl;
  namespace: string;
  victim: string;
  replicas: number;
  /** The nft table the fault's rules go in: the feature's own (featureFaultTable). */
  table: string;
}

/** A way to break one feature on one node, so that its checks are shown to fail there. */
export interface FeatureFault {
  /** What the broken proxy does, in words. */
  describe: string;
  /**
   * True when the fault reaches beyond the feature's own Services (every NodePort of the node, the
   * whole proxy), so it is certified alone. Otherwise it takes only the traffic to its own
   * Services, and stands on the node together with the other features' faults.
   */
  exclusive: boolean;
  inject(ctx: FaultContext): Promise<void>;
  clear(ctx: FaultContext): Promise<void>;
  /** Check ids that must fail on the victim. */
  failing(ctx: FaultContext): Promise<string[]>;
}

/** The app's endpoints and a Service's ClusterIP, first port and its nodePort, as the fault needs them (the feature deployed both). */
export async function serviceFacts(ctx: FaultContext, service: string): Promise<{ clusterIP: string; port: number; nodePort: number | null; endpoints: Endpoint[] }> {
  const target = new ServiceUnderTest(ctx.kubectl, ctx.namespace, service);
  const summary = await target.summary();
  return { clusterIP: summary.clusterIP, port: summary.ports[0]!.port, nodePort: summary.nodePort, endpoints: await target.readyEndpoints(ctx.replicas) };
}

export interface NftFaultOptions {
  /** The container port the fault's picks send to (the app's 8080 unless said). */
  targetPort?: number;
  family?: FaultFamily;
  /** See FeatureFault.exclusive; a fault that is not must name the addresses and ports it takes. */
  exclusive?: boolean;
}

/** A FeatureFault made of nft faults on the victim (see proxy-fault.ts): one, or several in one table of one family. */
export function nftFault(describe: string, build: (ctx: FaultContext) => Promise<ProxyFault | ProxyFault[]>, failing: FeatureFault['failing'], options: NftFaultOptions = {}): FeatureFault {
  const { targetPort = 8080, family = 'ip', exclusive = false } = options;
  return {
    describe,
    exclusive,
    inject: async (ctx) => {
      const built = await build(ctx);
      const faults = 'kind' in built ? [built] : built;
      if (!exclusive && !faults.every(namesItsTraffic)) throw new Error(`the fault that ${describe} takes every NodePort of ${ctx.victim}: it must name its Services' addresses and ports, or be exclusive`);
      await new NodeFaultInjector(ctx.victim, ctx.table).inject(faults, targetPort, family);
    },
    clear: async (ctx) => new NodeFaultInjector(ctx.victim, ctx.table).clear(),
    failing,
  };
}
