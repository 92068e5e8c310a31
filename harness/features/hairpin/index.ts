import { nftFault, serviceFacts, type FaultContext } from '../../faults/feature-fault.js';
import type { Endpoint } from '../../queries/types.js';
import type { Feature } from '../feature.js';
import { HAIRPIN_SERVICE, hairpinSteps, SLUG } from './steps.js';

/** The app pods on the victim: the fault turns their own connections away from themselves. */
async function victimPods(ctx: FaultContext): Promise<{ clusterIP: string; endpoints: Endpoint[]; mine: Endpoint[] }> {
  const { clusterIP, endpoints } = await serviceFacts(ctx, HAIRPIN_SERVICE);
  const mine = endpoints.filter((e) => e.node === ctx.victim);
  if (mine.length === 0) throw new Error(`node ${ctx.victim} holds no app pod, so hairpin cannot be broken there: pick a victim that holds one`);
  return { clusterIP, endpoints, mine };
}

/** A pod that calls its own Service can be answered by itself, on every node that holds one. */
export const hairpin: Feature = {
  id: 'Hairpin',
  slug: SLUG,
  level: 'extended',
  title: 'A pod calling its own Service can be answered by itself',
  description:
    "Every pod of the lab's app calls the ClusterIP of a Service that selects it (from inside the pod, with the same burst code as the other clients), each call on a new connection: each pod must be answered by itself at least once, and every call must be answered. The number of calls per pod follows from the feature's alpha: a hairpinning proxy picks the caller with probability 1/k, so k * ((k-1)/k)^t bounds the chance that some pod misses itself by luck. A proxy that sends the connection back to its caller without masquerading it leaves the answer unroutable (it comes from the pod's own address, not the ClusterIP): those calls fail, and so does the check. Upstream checks this from one pod; here every app pod, so every node that holds one, is judged.",
  statistical: true,
  untestable: (facts) => (facts.replicas < 1 ? 'needs at least one app pod' : null),
  steps: hairpinSteps,
  fault: nftFault(
    'never sends connections from its own app pods to the ClusterIP back to the calling pod',
    async (ctx) => {
      const { clusterIP, endpoints, mine } = await victimPods(ctx);
      return mine.map((pod) => ({ kind: 'exclude-endpoint' as const, excluded: pod, endpoints, matches: [{ kind: 'address' as const, address: clusterIP, port: 8080, from: pod.ip }] }));
    },
    async (ctx) => (await victimPods(ctx)).mine.map((pod) => `${SLUG}/self/${ctx.victim}/${pod.pod}`),
  ),
};
