import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import type { Feature } from '../feature.js';
import { CLUSTER_IP_SERVICE, clusterIpSteps, SLUG } from './steps.js';

/** From a client pod on every node to the Service's ClusterIP: forwarding, reach and balance per client node. */
export const clusterIp: Feature = {
  id: 'ClusterIP',
  slug: SLUG,
  level: 'core',
  title: 'ClusterIP from a pod on every node',
  description:
    'A client pod on every node (control plane included) sends POST /api/messages to the ClusterIP of a plain Service, each request on a new connection: from every node the proxy must forward every request to a ready endpoint, reach every endpoint, and spread evenly. Upstream checks a ClusterIP from one pod; a proxy programs each node separately, so each node is judged.',
  statistical: true,
  sizedByRunShape: true,
  untestable: () => null,
  steps: clusterIpSteps,
  fault: nftFault(
    "never sends its pods' connections to the ClusterIP to one of the endpoints",
    async (ctx) => {
      const { clusterIP, endpoints } = await serviceFacts(ctx, CLUSTER_IP_SERVICE);
      return { kind: 'exclude-endpoint', excluded: endpoints[0]!, endpoints, matches: [{ kind: 'address', address: clusterIP, port: 8080 }] };
    },
    async (ctx) => [`cluster-ip/reach/${ctx.victim}/${(await serviceFacts(ctx, CLUSTER_IP_SERVICE)).endpoints[0]!.pod}`],
  ),
};
