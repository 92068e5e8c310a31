import { containerImage, ipInNetworkOf, networkIPv4 } from '../cluster/docker.js';
import { ROLE_LABEL, RUN_LABEL } from './client-labels.js';
import { ContainerTrafficClient } from './container-client.js';
import { virtualIps } from './virtual-ips.js';
import { run } from '../util/exec.js';

/** One virtual IP and the node that the client's packets to it go through. */
export interface VirtualIpRoute {
  node: string;
  /** The virtual IP (a Service's external or load-balancer IP). */
  address: string;
  /** The node's address on the cluster's Docker network: the next hop. */
  via: string;
}

export interface RoutedClientOptions {
  appImage: string;
  dockerNetwork: string;
  runId: string;
  /** The nodes to route through, each with its address on the Docker network. */
  nodes: readonly { name: string; address: string }[];
  /** Which block of virtual IPs (virtual-ips.ts): one per feature. */
  block: number;
  /** Addresses other Services hold, which the block passes over. */
  heldByServices: readonly string[];
}

/**
 * A container client on the cluster's Docker network with one virtual IP per node, each routed
 * through its node: what a router in front of the cluster does for an external or load-balancer
 * IP, one node at a time, so each node's proxy is judged on the traffic it alone received. The
 * routes are set by a container of the first node's image (kind node images hold iproute2) that
 * joins the client's network namespace.
 */
export async function startRoutedClient(options: RoutedClientOptions): Promise<{ client: ContainerTrafficClient; routes: VirtualIpRoute[] }> {
  const { subnet, used, macs } = await networkIPv4(options.dockerNetwork);
  const addresses = virtualIps(subnet, [...used, ...options.heldByServices], options.block, options.nodes.length);
  const routes = options.nodes.map((n, i) => ({ node: n.name, address: addresses[i]!, via: n.address }));
  const client = await ContainerTrafficClient.start(options.appImage, options.dockerNetwork, options.runId);
  try {
    const image = await containerImage(options.nodes[0]!.name);
    // Each next hop's MAC address fixed as a router's static neighbour would be: a slow ARP reply
    // from a busy node must not fail a connection (EHOSTUNREACH) that says nothing of its proxy.
    const neighbours = routes.flatMap((r) => (macs.has(r.via) ? [`neigh replace ${r.via} lladdr ${macs.get(r.via)} dev eth0 nud permanent`] : []));
    const commands = [...neighbours, ...routes.map((r) => `route replace ${r.address}/32 via ${r.via}`)];
    await ipInNetworkOf(client.id, image, commands, { [ROLE_LABEL]: 'route-setter', [RUN_LABEL]: options.runId });
  } catch (error) {
    await client.close();
    throw error;
  }
  return { client, routes };
}

/**
 * Removes, on each route's node, the conntrack entries of the client's connections to that
 * route's virtual IP that were never answered. A SYN that reaches a node before its proxy
 * programs the address is forwarded as is (the node then fails to resolve the address: the
 * client sees EHOSTUNREACH) and its conntrack entry, un-NATed, lives on for up to 120 s
 * (nf_conntrack_tcp_timeout_syn_sent); a later connection the client happens to open from the
 * same source port matches it and is not sent to the proxy either (docs/benchmarks.md). Only the
 * client's own unanswered flows go; answered ones stay. Returns how many were removed.
 */
export async function forgetUnansweredFlows(routes: readonly VirtualIpRoute[], clientAddress: string): Promise<number> {
  const deleted = await Promise.all(
    routes.map(async (r) => {
      // Exit 1 when there is nothing to delete; "N flow entries have been deleted." on stderr.
      const { stderr } = await run('docker', ['exec', r.node, 'conntrack', '-D', '-p', 'tcp', '--orig-src', clientAddress, '--orig-dst', r.address, '--state', 'SYN_SENT'], { check: false });
      return Number(/(\d+) flow entries have been deleted/.exec(stderr)?.[1] ?? 0);
    }),
  );
  return deleted.reduce((a, b) => a + b, 0);
}

