import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import type { Feature } from '../feature.js';
import { TYPE_CHANGE_SERVICE, typeChangeSteps, SLUG } from './steps.js';

/** NodePort -> ClusterIP closes the NodePort on every node; ClusterIP -> NodePort opens the new one on every node. */
export const typeChange: Feature = {
  id: 'TypeChange',
  slug: SLUG,
  level: 'core',
  title: 'NodePort to ClusterIP and back, on every node',
  description:
    "A NodePort Service answering on every node is patched to type ClusterIP: within 30 s (upstream's endpoint lag bound) every node must stop forwarding its old NodePort (a connection is refused or not answered). Patched back to NodePort, the newly allocated NodePort must answer on every node within 30 s. A proxy that keeps stale rules on one node, or never programs the new port there, fails on that node.",
  statistical: false,
  untestable: () => null,
  steps: typeChangeSteps,
  fault: nftFault(
    'keeps forwarding every NodePort to the app, also one whose Service is no longer a NodePort (stale rules)',
    async (ctx) => {
      const { endpoints } = await serviceFacts(ctx, TYPE_CHANGE_SERVICE);
      return { kind: 'skew', weights: endpoints.map((endpoint) => ({ endpoint, weight: 1 })) };
    },
    async (ctx) => [`${SLUG}/close/${ctx.victim}`],
    // The closed NodePort is allocated anew in each run: the fault takes every NodePort of the node.
    { exclusive: true },
  ),
};
