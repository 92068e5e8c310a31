import { ZONE_LABEL } from '../../cluster/kind-config.js';
import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import type { ClusterFacts, Feature } from '../feature.js';
import { PREFER_CLOSE_SERVICE, preferCloseSteps, SLUG } from './steps.js';

/** Why this cluster's zones cannot show the feature, or null. */
export function zoneLayoutProblem(facts: ClusterFacts): string | null {
  if (facts.nodes.every((n) => n.zone === null)) return `no node has a zone label (${ZONE_LABEL})`;
  const zones = new Set(facts.nodes.filter((n) => n.schedulable && n.zone !== null).map((n) => n.zone));
  if (zones.size < 2) return `endpoints need nodes in at least 2 zones to go to, and the schedulable nodes are in ${zones.size} (${[...zones].join(', ') || 'none'})`;
  if (facts.replicas < 2) return `needs at least 2 endpoints (--replicas ${facts.replicas}) to have them in 2 zones`;
  return null;
}

/** A client is answered from its own zone when that zone holds an endpoint. */
export const preferClose: Feature = {
  id: 'TrafficDistributionPreferClose',
  slug: SLUG,
  level: 'extended',
  title: 'trafficDistribution PreferClose keeps traffic in the client\'s zone',
  description:
    "The lab's app behind a ClusterIP Service with trafficDistribution: PreferClose (Kubernetes 1.34), on nodes labelled into zones (topology.kubernetes.io/zone). Once the EndpointSlice shows every endpoint hinted for its own zone (checked before judging: without the hints a proxy has nothing to prefer), a client pod on every node sends POST /api/messages to the ClusterIP: a client whose zone holds endpoints must be answered only by those (zone), every request must be answered (forwarding), and within the zone every endpoint reached, evenly (reach, balance); a client whose zone holds none may be answered by any. Skipped when the nodes have no zone labels or the app's endpoints are not in at least 2 zones. The harness's own kind clusters label their nodes into two zones once kube-proxy runs (harness/cluster/zone-labels.ts; docs/findings.md says why not before).",
  statistical: true,
  untestable: zoneLayoutProblem,
  steps: preferCloseSteps,
  fault: nftFault(
    "sends its pods' connections to the ClusterIP to endpoints in another zone",
    async (ctx) => {
      const { clusterIP, endpoints } = await serviceFacts(ctx, PREFER_CLOSE_SERVICE);
      const nodes = await ctx.kubectl.json<{ items: { metadata: { name: string; labels?: Record<string, string> } }[] }>(['get', 'nodes']);
      const zoneOf = new Map(nodes.items.map((n) => [n.metadata.name, n.metadata.labels?.[ZONE_LABEL] ?? null]));
      const far = endpoints.filter((e) => zoneOf.get(e.node) !== zoneOf.get(ctx.victim));
      if (far.length === 0) throw new Error(`no endpoint outside the zone of ${ctx.victim} to send its pods to`);
      return { kind: 'skew', weights: far.map((endpoint) => ({ endpoint, weight: 1 })), matches: [{ kind: 'address', address: clusterIP, port: 8080 }] };
    },
    async (ctx) => [`${SLUG}/zone/${ctx.victim}`],
  ),
};
