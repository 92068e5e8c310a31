import { ensureClientPods } from '../lab/client-pods.js';
import type { Endpoint } from '../queries/types.js';
import { PodTrafficClient } from '../traffic/pod-client.js';
import type { RequestRecord } from '../traffic/request-record.js';
import { hostPort } from '../traffic/traffic-plan.js';
import type { FeatureContext } from './feature.js';
import { measureTraffic, sizedFor, type MeasuredTraffic } from './measured-traffic.js';

/** A virtual address inside the cluster (a ClusterIP) that a client pod on every node sends to. */
export interface InClusterTarget {
  /** What the address is, for the traffic's name: "ClusterIP", "UDP ClusterIP". */
  what: string;
  address: string;
  port: number;
  endpoints: Endpoint[];
  protocol?: MeasuredTraffic['protocol'];
}

/**
 * From a client pod on every node (control plane included) to `to`, measured and judged per node:
 * each node's proxy must forward every request to a ready endpoint, reach every endpoint, evenly.
 */
export async function measureFromClientPods(ctx: FeatureContext, to: InClusterTarget): Promise<RequestRecord[]> {
  const { kubectl, options, cluster } = ctx;
  const clients = await ensureClientPods(kubectl, options.namespace, cluster.appImage, cluster.facts.nodes.map((n) => n.name));
  const target = hostPort(to.address, to.port);
  // The pods' IPs are IPv4: shown only on the way to an IPv4 address.
  const from = (ip: string) => (to.address.includes(':') ? '' : `${ip} `);
  return measureTraffic(ctx, {
    name: `${to.what} ${target} from a pod on every node`,
    client: new PodTrafficClient(kubectl, options.namespace, new Map(clients.map((c) => [c.node, c.pod]))),
    targets: clients.map((c) => ({ node: c.node, address: to.address, port: to.port })),
    sized: sizedFor(ctx, clients.length, to.endpoints.length),
    what: 'client pods',
    sources: clients.map((c) => ({ node: c.node, target, label: `the client pod on ${c.node} (${from(c.ip)}-> ${target}${to.protocol === 'udp' ? '/udp' : ''})` })),
    endpoints: to.endpoints,
    expected: () => to.endpoints.map((e) => e.pod),
    protocol: to.protocol,
  });
}
