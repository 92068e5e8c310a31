import { nftFault } from '../../faults/feature-fault.js';
import type { Feature } from '../feature.js';
import { ipv6InternalIps } from './node-addresses.js';
import { dualStackSteps, DUAL_STACK_SERVICE, ipv6ClusterIp, SLUG } from './steps.js';
import { ServiceUnderTest } from '../../lab/service-under-test.js';

/** A dual-stack Service over IPv6: every node's IPv6 nodePort and the IPv6 ClusterIP from every node. */
export const dualStack: Feature = {
  id: 'DualStack',
  slug: SLUG,
  level: 'extended',
  title: 'IPv6 of a dual-stack Service, through every node',
  description:
    "On a dual-stack cluster (kind: `cluster up --ip-family dual`), the app behind a NodePort Service with an IPv4 and an IPv6 ClusterIP (RequireDualStack). Over IPv6, each request on a new connection: through every node's IPv6 address and nodePort from outside, and to the IPv6 ClusterIP from a client pod on every node, every node must forward every request to a ready endpoint, reach every endpoint and spread evenly (every other feature checks IPv4). On a cluster whose nodes lack an IPv6 or an IPv4 address it is skipped with that reason.",
  statistical: true,
  sizedByRunShape: true,
  untestable: (facts) =>
    facts.ipFamilies.length === 2 ? null : `the cluster is not dual-stack: its nodes have ${facts.ipFamilies.length === 0 ? 'no InternalIP' : `${facts.ipFamilies.join(' and ')} InternalIPs only`} (boot one with --ip-family dual)`,
  steps: dualStackSteps,
  fault: nftFault(
    "refuses connections to the Service's nodePort on the node's IPv6 address and its pods' connections to the IPv6 ClusterIP (its IPv6 rules are missing)",
    async (ctx) => {
      const service = new ServiceUnderTest(ctx.kubectl, ctx.namespace, DUAL_STACK_SERVICE);
      const { nodePort, ports } = await service.summary();
      const address = (await ipv6InternalIps(ctx.kubectl)).get(ctx.victim);
      if (!nodePort || !address) throw new Error(`${DUAL_STACK_SERVICE} has no nodePort, or ${ctx.victim} no IPv6 InternalIP`);
      return { kind: 'no-forwarding', matches: [{ kind: 'address', address, port: nodePort }, { kind: 'address', address: await ipv6ClusterIp(service), port: ports[0]!.port }] };
    },
    async (ctx) => [`${SLUG}/node-port-forwarding/${ctx.victim}`, `${SLUG}/cluster-ip-forwarding/${ctx.victim}`],
    { family: 'ip6' },
  ),
};
