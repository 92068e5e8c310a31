import { nftFault } from '../../faults/feature-fault.js';
import { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { Feature } from '../feature.js';
import { NO_ENDPOINTS_NAME, noEndpointsSteps, SLUG } from './steps.js';

/** A Service with no ready endpoints: every node refuses its ClusterIP and its NodePort at once. */
export const noEndpoints: Feature = {
  id: 'NoEndpoints',
  slug: SLUG,
  level: 'core',
  title: 'A Service with no endpoints is refused at once, on every node',
  description:
    "A one-replica app behind a NodePort Service is scaled to zero; within 30 s (upstream's endpoint lag bound) every node must refuse connections to the NodePort (from outside) and to the ClusterIP (from a client pod on that node) with a TCP reset or an ICMP unreachable within 3 s (to the first SYN or, where the kernel's ICMP rate limit held the answer back, to its retransmission at 1 s; the next leaves at 3 s), never leave them to time out: a client must learn at once that nothing serves, as upstream's \"should be rejected when no endpoints exist\" asks, but on every node. The NodePort is probed from a container of its own on the cluster's Docker network whatever --client says: a node holds back ICMP errors to a source address whose traffic it also forwards, as the other features' traffic is (docs/benchmarks.md).",
  statistical: false,
  untestable: () => null,
  steps: noEndpointsSteps,
  fault: nftFault(
    'drops, instead of refusing, connections to the NodePort and to the ClusterIP of the Service without endpoints',
    async (ctx) => {
      const { clusterIP, nodePort } = await new ServiceUnderTest(ctx.kubectl, ctx.namespace, NO_ENDPOINTS_NAME).summary();
      return { kind: 'drop', matches: [{ kind: 'node-port', port: nodePort! }, { kind: 'address', address: clusterIP, port: 8080 }] };
    },
    async (ctx) => [`${SLUG}/node-port/${ctx.victim}`, `${SLUG}/cluster-ip/${ctx.victim}`],
  ),
};
