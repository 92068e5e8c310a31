import type { Kubectl } from '../kube/kubectl.js';
import { ServiceUnderTest } from '../lab/service-under-test.js';
import type { Endpoint } from '../queries/types.js';
import { NodeFaultInjector } from './node-fault-injector.js';
import type { FaultFamily, ProxyFault } from './proxy-fault.js';

/** Where a feature's fault is made: one node (a kind node container) of a cluster the feature already ran on. */
export interface FaultContext {
  kubectl: Kubectl;
  namespace: string;
  victim: string;
  replicas: number;
}

/** A way to break one feature on one node, so that its checks are shown to fail there. */
export interface FeatureFault {
  /** What the broken proxy does, in words. */
  describe: string;
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

/** A FeatureFault made of nft faults on the victim (see proxy-fault.ts): one, or several in one table of one family. */
export function nftFault(describe: string, build: (ctx: FaultContext) => Promise<ProxyFault | ProxyFault[]>, failing: FeatureFault['failing'], targetPort = 8080, family: FaultFamily = 'ip'): FeatureFault {
  return {
    describe,
    inject: async (ctx) => new NodeFaultInjector(ctx.victim).inject(await build(ctx), targetPort, family),
    clear: async (ctx) => new NodeFaultInjector(ctx.victim).clear(),
    failing,
  };
}
