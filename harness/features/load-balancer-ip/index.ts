import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import { localPolicyUntestable } from '../../lab/local-endpoints.js';
import type { Feature } from '../feature.js';
import { routedUntestable } from '../virtual-ip-traffic.js';
import { LOAD_BALANCER_SERVICE, loadBalancerIpSteps, SLUG } from './steps.js';

/** A LoadBalancer Service's ingress IPs, each routed through one node: balance, Local policy and source ranges on every node. */
export const loadBalancerIp: Feature = {
  id: 'LoadBalancerIP',
  slug: SLUG,
  level: 'extended',
  title: 'Load-balancer IPs, routed through every node',
  description:
    "Two LoadBalancer Services of the harness's own loadBalancerClass share one load-balancer IP per node (the harness writes status.loadBalancer.ingress, as a controller would), each IP routed through its own node by a client next to the nodes. With externalTrafficPolicy Cluster every node must forward to every endpoint, evenly; with Local only the node's own endpoints may answer, evenly, and through a node without one nothing; with loadBalancerSourceRanges that exclude the client no connection through any node may reach a pod, and with ranges that hold it every node must answer again.",
  statistical: true,
  sizedByRunShape: true,
  untestable: (facts) => routedUntestable(facts) ?? localPolicyUntestable(facts.nodes, facts.replicas),
  steps: loadBalancerIpSteps,
  fault: nftFault(
    "refuses connections to its load-balancer IP on the Cluster Service's port (its rules for it are missing), also once the source ranges admit the client",
    async (ctx) => {
      const { port } = await serviceFacts(ctx, LOAD_BALANCER_SERVICE);
      const service = await ctx.kubectl.json<{ status?: { loadBalancer?: { ingress?: { ip: string }[] } } }>(['get', 'service', LOAD_BALANCER_SERVICE], { namespace: ctx.namespace });
      return { kind: 'no-forwarding', matches: (service.status?.loadBalancer?.ingress ?? []).map((i) => ({ kind: 'address', address: i.ip, port })) };
    },
    async (ctx) => [`${SLUG}/forwarding/${ctx.victim}`, `${SLUG}/source-ranges-allowed/${ctx.victim}`],
  ),
};
