import { nftFault, serviceFacts, type FaultContext } from '../../faults/feature-fault.js';
import { ServiceUnderTest } from '../../lab/service-under-test.js';
import { JqRunner } from '../../queries/jq-runner.js';
import type { Feature } from '../feature.js';
import { SESSION_AFFINITY_SERVICE, sessionAffinitySteps, SLUG } from './steps.js';

/** The victim's address and the Service's NodePort: what the fault's random pick takes. */
async function victimNodePort(ctx: FaultContext): Promise<{ address: string; nodePort: number }> {
  const nodes = (await JqRunner.load()).nodeAddresses(await ctx.kubectl.json(['get', 'nodes']));
  const victim = nodes.addressed.find((n) => n.name === ctx.victim);
  if (!victim) throw new Error(`node ${ctx.victim} has no address to break`);
  const { nodePort } = await new ServiceUnderTest(ctx.kubectl, ctx.namespace, SESSION_AFFINITY_SERVICE).summary();
  return { address: victim.address, nodePort: nodePort! };
}

/** Through every node, each client (by source address) sticks to one endpoint; together the clients reach several. */
export const sessionAffinity: Feature = {
  id: 'SessionAffinityClientIP',
  slug: SLUG,
  level: 'extended',
  title: 'Session affinity by client IP, through every node',
  description:
    "The lab's app behind a NodePort Service with sessionAffinity: ClientIP. Several clients, each a container of its own on the cluster's Docker network (so each has its own source address, seen unchanged by every node), send POST /api/messages through every node's NodePort, one request after another, each on a new connection: through every node, each client must be answered by one endpoint in all its requests (sticky), every request must be answered (forwarding), and the clients together must reach more than one endpoint (spread: affinity pins a client, not the Service). The number of clients and of requests per client follow from the feature's alpha (harness/features/session-affinity/sizing.ts). Upstream checks one client through one address for 15 identical answers in a row; this checks every node, with the stickiness per client and node in a table. Needs at least 2 endpoints and nodes on this host's Docker network (the clients are containers, whatever --client says).",
  statistical: true,
  untestable: (facts) => {
    if (facts.replicas < 2) return `needs at least 2 endpoints (--replicas ${facts.replicas}): with one, every client sticks to it whatever the proxy does`;
    if (!facts.onThisHost) return 'needs clients with distinct source addresses next to the nodes (containers on the cluster\'s Docker network), and the nodes are not on this host';
    return null;
  },
  steps: sessionAffinitySteps,
  fault: nftFault(
    "picks an endpoint at random for every new connection to the Service's NodePort, ahead of the proxy's affinity",
    async (ctx) => {
      const { endpoints } = await serviceFacts(ctx, SESSION_AFFINITY_SERVICE);
      const { address, nodePort } = await victimNodePort(ctx);
      return { kind: 'skew', weights: endpoints.map((endpoint) => ({ endpoint, weight: 1 })), matches: [{ kind: 'address', address, port: nodePort }] };
    },
    async (ctx) => [`${SLUG}/sticky/${ctx.victim}`],
  ),
};
