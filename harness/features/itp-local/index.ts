import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import { APP_PORT } from '../../lab/helloworld-lab.js';
import { localPolicyUntestable } from '../../lab/local-endpoints.js';
import type { Feature } from '../feature.js';
import { ITP_LOCAL_SERVICE, itpLocalSteps, SLUG } from './steps.js';

/** internalTrafficPolicy Local: a pod's connections to the ClusterIP stay on its own node. */
export const internalTrafficPolicyLocal: Feature = {
  id: 'InternalTrafficPolicyLocal',
  slug: SLUG,
  level: 'extended',
  title: 'internalTrafficPolicy Local from a pod on every node',
  description:
    "The app behind a ClusterIP Service with internalTrafficPolicy Local, called from a client pod on every node, each request on a new connection. From a node that holds endpoints only those answer, evenly when it holds two or more; from a node that holds none, no connection reaches a pod (kube-proxy drops them rather than send them to another node), probed until 30 s after the Service's last change. Needs a node that holds an endpoint and one that cannot (a tainted control plane, or more schedulable nodes than replicas).",
  statistical: true,
  untestable: (facts) => localPolicyUntestable(facts.nodes, facts.replicas),
  steps: itpLocalSteps,
  fault: nftFault(
    "sends its pods' connections to the ClusterIP to endpoints on other nodes",
    async (ctx) => {
      const { clusterIP, endpoints } = await serviceFacts(ctx, ITP_LOCAL_SERVICE);
      const remote = endpoints.filter((e) => e.node !== ctx.victim);
      if (remote.length === 0) throw new Error(`every endpoint of ${ITP_LOCAL_SERVICE} is on ${ctx.victim}: there is no remote endpoint to send to`);
      return { kind: 'skew', weights: remote.map((endpoint) => ({ endpoint, weight: 1 })), matches: [{ kind: 'address', address: clusterIP, port: APP_PORT }] };
    },
    async (ctx) => {
      const holds = (await serviceFacts(ctx, ITP_LOCAL_SERVICE)).endpoints.some((e) => e.node === ctx.victim);
      // Remote answers fail the forwarding check where local ones are expected, the unreached one where none are.
      return [holds ? `${SLUG}/forwarding/${ctx.victim}` : `${SLUG}/no-local-endpoint/${ctx.victim}`];
    },
  ),
};
