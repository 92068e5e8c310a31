import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import { APP_NAME } from '../../lab/helloworld-lab.js';
import type { Feature } from '../feature.js';
import { nodePortSteps } from './steps.js';

/** The NodePort lab, unchanged: through every node's NodePort, every endpoint is reached, evenly. */
export const nodePort: Feature = {
  id: 'NodePort',
  slug: 'node-port',
  checkPrefix: '',
  inLabNamespace: true,
  level: 'core',
  title: "NodePort through every node's address",
  description:
    "The lab's Service, patched to NodePort, is sent POST /api/messages through every node's NodePort from outside the cluster (the host or a container next to the nodes), each request on a new connection: every node must forward every request to a ready endpoint, reach every endpoint, and spread evenly (externalTrafficPolicy Cluster).",
  statistical: true,
  sizedByRunShape: true,
  untestable: () => null,
  steps: nodePortSteps,
  fault: nftFault(
    'never sends NodePort connections to one of the endpoints',
    async (ctx) => {
      const { endpoints } = await serviceFacts(ctx, APP_NAME);
      return { kind: 'exclude-endpoint', excluded: endpoints[0]!, endpoints };
    },
    async (ctx) => [`reach/${ctx.victim}/${(await serviceFacts(ctx, APP_NAME)).endpoints[0]!.pod}`],
    // Each run makes the lab's Service anew, with a new NodePort: the fault takes every NodePort of the node.
    { exclusive: true },
  ),
};
