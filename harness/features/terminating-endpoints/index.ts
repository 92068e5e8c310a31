import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import type { Feature } from '../feature.js';
import { SLUG, TERMINATING_SERVICE, terminatingEndpointsSteps } from './steps.js';

/** A terminating, still serving endpoint: no new connections while ready ones exist; under a Local policy, the fallback where it is the node's only one. */
export const terminatingEndpoints: Feature = {
  id: 'TerminatingEndpoints',
  slug: SLUG,
  level: 'extended',
  title: 'Terminating endpoints, through every node',
  description:
    "The app's pods keep serving for a while after their deletion (a preStop sleep). One of them, the only endpoint on its node, is made terminating by scaling down by one (it goes first); its EndpointSlice says terminating and serving, not ready. Through every node's NodePort (externalTrafficPolicy Cluster) no new connection may go to it while ready endpoints exist, and the ready ones are reached evenly; through its own node's NodePort of a Service with externalTrafficPolicy Local, where it is the only local endpoint, every request must still reach it instead of being dropped (Kubernetes' terminating-endpoint fallback, GA since 1.28). Needs 2 or more endpoints.",
  statistical: true,
  sizedByRunShape: true,
  untestable: (facts) => (facts.replicas < 2 ? `needs 2 or more endpoints (one to terminate, one ready), and --replicas is ${facts.replicas}` : null),
  steps: terminatingEndpointsSteps,
  fault: nftFault(
    'keeps sending new connections to every endpoint it knew, also one that is terminating',
    async (ctx) => {
      const { endpoints, nodePort } = await serviceFacts(ctx, TERMINATING_SERVICE);
      return { kind: 'skew', weights: endpoints.map((endpoint) => ({ endpoint, weight: 1 })), matches: [{ kind: 'node-port', port: nodePort! }] };
    },
    async (ctx) => [`${SLUG}/no-new/${ctx.victim}`],
  ),
};
