import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import type { Feature } from '../feature.js';
import { SLUG, UDP_PORT, UDP_SERVICE, udpSteps } from './steps.js';

/** UDP through every node's NodePort and to the ClusterIP from every node, and flows that must survive their pod's replacement. */
export const udp: Feature = {
  id: 'UDP',
  slug: SLUG,
  level: 'core',
  title: 'UDP through every node, and its stale flows',
  description:
    "The app answers its message over UDP behind a NodePort Service with one UDP port (targeting the pod's named UDP port). Each datagram from a new source port, so each is a new flow: through every node's nodePort from outside, and to the ClusterIP from a client pod on every node, every node must forward every datagram to a ready endpoint, reach every endpoint and spread evenly. Then stale flows: one flow per node keeps sending from one source port (10 datagrams/s) while the pods the flows were answered by are deleted (their replacements already ready); every node's flow must be answered by a live pod again within 60 s (upstream's conntrack bound), which takes the proxy deleting the flow's conntrack entry: a proxy that leaves it black-holes the flow for as long as the client sends (the DNS outage upstream's conntrack tests exist for). Upstream checks this from one client pod through one node.",
  statistical: true,
  sizedByRunShape: true,
  untestable: () => null,
  steps: udpSteps,
  fault: nftFault(
    "pins every flow to its UDP nodePort and to the ClusterIP's UDP port to one endpoint, also once that endpoint is gone (a proxy that never clears the flow's conntrack entry)",
    async (ctx) => {
      const { endpoints, nodePort, clusterIP, port } = await serviceFacts(ctx, UDP_SERVICE);
      return {
        kind: 'skew',
        weights: [{ endpoint: endpoints[0]!, weight: 1 }],
        matches: [{ kind: 'node-port', port: nodePort!, protocol: 'udp' }, { kind: 'address', address: clusterIP, port, protocol: 'udp' }],
      };
    },
    // Every endpoint but the pinned one goes unreached through the victim, by either path.
    async (ctx) => {
      const unreached = (await serviceFacts(ctx, UDP_SERVICE)).endpoints[1]!.pod;
      return [`${SLUG}/stale-flow/${ctx.victim}`, `${SLUG}/node-port-reach/${ctx.victim}/${unreached}`, `${SLUG}/cluster-ip-reach/${ctx.victim}/${unreached}`];
    },
    { targetPort: UDP_PORT },
  ),
};
