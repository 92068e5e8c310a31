import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import type { Feature } from '../feature.js';
import { routedUntestable } from '../virtual-ip-traffic.js';
import { EXTERNAL_IPS_SERVICE, externalIpsSteps, SLUG } from './steps.js';

/** A Service's spec.externalIPs, each routed through one node: every node forwards to every endpoint, evenly. */
export const externalIps: Feature = {
  id: 'ExternalIPs',
  slug: SLUG,
  level: 'extended',
  title: 'External IPs, routed through every node',
  description:
    "A ClusterIP Service lists one external IP per node (free addresses at the top of the cluster's Docker subnet); a client next to the nodes routes each through its own node, as a router in front of the cluster would, and POSTs on a new connection per request: every node must forward every request to a ready endpoint, reach every endpoint and spread evenly. Upstream checks an external IP from inside one pod; here each node's proxy is judged on traffic from outside.",
  statistical: true,
  sizedByRunShape: true,
  untestable: routedUntestable,
  steps: externalIpsSteps,
  fault: nftFault(
    'never sends connections to the external IPs to one of the endpoints',
    async (ctx) => {
      const { endpoints, port } = await serviceFacts(ctx, EXTERNAL_IPS_SERVICE);
      const externalIPs = await externalIpsOf(ctx);
      return { kind: 'exclude-endpoint', excluded: endpoints[0]!, endpoints, matches: externalIPs.map((address) => ({ kind: 'address', address, port })) };
    },
    async (ctx) => [`${SLUG}/reach/${ctx.victim}/${(await serviceFacts(ctx, EXTERNAL_IPS_SERVICE)).endpoints[0]!.pod}`],
  ),
};

async function externalIpsOf(ctx: Parameters<typeof serviceFacts>[0]): Promise<string[]> {
  const service = await ctx.kubectl.json<{ spec: { externalIPs?: string[] } }>(['get', 'service', EXTERNAL_IPS_SERVICE], { namespace: ctx.namespace });
  return service.spec.externalIPs ?? [];
}
