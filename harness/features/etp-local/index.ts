import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import { localPolicyUntestable } from '../../lab/local-endpoints.js';
import type { Feature } from '../feature.js';
import { ETP_LOCAL_SERVICE, etpLocalSteps, SLUG } from './steps.js';

/**
 * externalTrafficPolicy Local: through a node with endpoints only those answer, with the client's
 * source address; through a node without one nothing does; the health check port says which is which.
 */
export const externalTrafficPolicyLocal: Feature = {
  id: 'ExternalTrafficPolicyLocal',
  slug: SLUG,
  level: 'extended',
  title: 'externalTrafficPolicy Local through every node',
  description:
    "The app behind a LoadBalancer Service with externalTrafficPolicy Local, called from outside the cluster (the host or a container next to the nodes) through every node's NodePort, each request on a new connection. Through a node that holds endpoints only those answer, evenly when it holds two or more, and every pod sees the client's own address as the source (the reason to choose Local: no masquerade, no second hop). Through a node that holds none, no connection reaches a pod (kube-proxy drops them), probed until 30 s after the Service's last change. Every node's healthCheckNodePort answers 200 with its local endpoint count where it holds endpoints and 503 where it holds none, which is how a load balancer learns where to send. Needs a node that holds an endpoint and one that cannot (a tainted control plane, or more schedulable nodes than replicas).",
  statistical: true,
  untestable: (facts) => localPolicyUntestable(facts.nodes, facts.replicas),
  steps: etpLocalSteps,
  fault: nftFault(
    "masquerades connections to the Service's NodePort, so that the pods see the node's address instead of the client's",
    async (ctx) => ({ kind: 'masquerade', matches: [{ kind: 'node-port', port: (await serviceFacts(ctx, ETP_LOCAL_SERVICE)).nodePort! }] }),
    async (ctx) => {
      const local = (await serviceFacts(ctx, ETP_LOCAL_SERVICE)).endpoints.filter((e) => e.node === ctx.victim);
      // Through a node without an endpoint nothing gets through to be masqueraded: the fault would not show.
      if (local.length === 0) throw new Error(`${ctx.victim} holds no endpoint of ${ETP_LOCAL_SERVICE}: masquerading its NodePorts cannot show; pick a victim that holds one`);
      return [`${SLUG}/source-ip/${ctx.victim}`];
    },
  ),
};
