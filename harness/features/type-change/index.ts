import path from 'node:path';
import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import type { Feature } from '../feature.js';
import { REPO_ROOT } from '../../util/repo-root.js';

export const TYPE_CHANGE_SERVICE = 'kpc-type-change';
export const TYPE_CHANGE_MANIFEST = path.join(REPO_ROOT, 'harness/features/type-change/service.yaml');

/** NodePort -> ClusterIP closes the NodePort on every node; ClusterIP -> NodePort opens the new one on every node. */
export const typeChange: Feature = {
  id: 'TypeChange',
  slug: 'type-change',
  level: 'core',
  title: 'NodePort to ClusterIP and back, on every node',
  description:
    "A NodePort Service answering on every node is patched to type ClusterIP: within 30 s (upstream's endpoint lag bound) every node must stop forwarding its old NodePort (a connection is refused or not answered). Patched back to NodePort, the newly allocated NodePort must answer on every node within 30 s. A proxy that keeps stale rules on one node, or never programs the new port there, fails on that node.",
  statistical: false,
  untestable: () => null,
  fault: nftFault(
    'keeps forwarding every NodePort to the app, also one whose Service is no longer a NodePort (stale rules)',
    async (ctx) => {
      const { endpoints } = await serviceFacts(ctx, TYPE_CHANGE_SERVICE);
      return { kind: 'skew', weights: endpoints.map((endpoint) => ({ endpoint, weight: 1 })) };
    },
    async (ctx) => [`type-change/close/${ctx.victim}`],
  ),
};
