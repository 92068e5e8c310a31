import { virtualIpsHeldOutside } from '../kube/service-virtual-ips.js';
import type { Endpoint } from '../queries/types.js';
import { requestsPerSourceFor } from '../stats/requests-per-node.js';
import type { ContainerTrafficClient } from '../traffic/container-client.js';
import type { RequestRecord } from '../traffic/request-record.js';
import { forgetUnansweredFlows, startRoutedClient, type VirtualIpRoute } from '../traffic/routed-client.js';
import { hostPort, type TrafficTarget } from '../traffic/traffic-plan.js';
import type { ClusterFacts, FeatureContext } from './feature.js';
import { measureTraffic, sizedFor } from './measured-traffic.js';

/** Each feature that routes virtual IPs takes its own block of them (traffic/virtual-ips.ts), so features side by side never share an address. */
const BLOCKS = { 'external-ips': 0, 'load-balancer-ip': 1 } as const;

/** Why a feature whose traffic goes to virtual IPs through each node cannot run here, or null. */
export function routedUntestable(facts: ClusterFacts): string | null {
  return facts.onThisHost ? null : "needs a client that routes an address through each node in turn (a container on the kind cluster's Docker network), and the nodes are not on this host";
}

/** The feature's routed client (closed when the feature ends) and its routes, one virtual IP through each addressed node. */
export async function routeVirtualIps(ctx: FeatureContext, slug: keyof typeof BLOCKS): Promise<{ client: ContainerTrafficClient; routes: VirtualIpRoute[] }> {
  const { cluster, options } = ctx;
  if (!cluster.dockerNetwork) throw new Error('routed virtual IPs need the kind cluster\'s Docker network');
  const heldByServices = await virtualIpsHeldOutside(ctx.kubectl, options.namespace);
  const started = await startRoutedClient({ appImage: cluster.appImage, dockerNetwork: cluster.dockerNetwork, runId: options.runId, nodes: cluster.discovery.addressed, block: BLOCKS[slug], heldByServices });
  ctx.onEnd(() => started.client.close());
  ctx.log.step(`routes: ${started.routes.map((r) => `${r.address} via ${r.node}`).join(', ')}`);
  return started;
}

export function routedTargets(routes: readonly VirtualIpRoute[], port: number): TrafficTarget[] {
  return routes.map((r) => ({ node: r.node, address: r.address, port }));
}

export function routedLabel(route: VirtualIpRoute, port: number): string {
  return `node ${route.node} (${hostPort(route.address, port)} routed via ${route.via})`;
}

/**
 * POST to each route's virtual IP through its node, judged per node like the NodePort lab
 * (forwarding, reach, balance): every node must send each to one of `expected(node)`.
 */
export async function measureRouted(
  ctx: FeatureContext,
  traffic: { name: string; client: ContainerTrafficClient; routes: readonly VirtualIpRoute[]; port: number; endpoints: Endpoint[]; expected?: (node: string) => Endpoint[] },
): Promise<RequestRecord[]> {
  const { routes, port, endpoints } = traffic;
  const expected = traffic.expected ?? (() => endpoints);
  return measureTraffic(ctx, {
    name: traffic.name,
    client: traffic.client,
    targets: routedTargets(routes, port),
    // Each node spreads over the endpoints it may use (under a Local policy, its own): sized for the node with the most.
    sized: traffic.expected
      ? requestsPerSourceFor(ctx.options.requestsPerNode, routes.map((r) => expected(r.node).length), false, { familyAlpha: ctx.familyAlpha })
      : sizedFor(ctx, routes.length, endpoints.length),
    what: 'nodes',
    sources: routes.map((r) => ({ node: r.node, target: hostPort(r.address, port), label: routedLabel(r, port) })),
    unreachable: ctx.cluster.discovery.unaddressed,
    endpoints,
    expected: (node) => expected(node).map((e) => e.pod),
    // The waits' first connections may have reached a node before its proxy had the address.
    beforeBurst: async () => {
      const forgotten = await forgetUnansweredFlows(routes, traffic.client.address);
      if (forgotten > 0) ctx.log.step(`${traffic.name}: removed ${forgotten} unanswered flows of the waits from the nodes' conntrack tables`);
    },
  });
}
