import ipaddr from 'ipaddr.js';

/** Addresses each feature may take at the top of the cluster's Docker subnet: one per node. */
export const VIRTUAL_IP_BLOCK = 32;

/**
 * `count` addresses of the subnet that nothing holds, for a Service's external or load-balancer
 * IPs: the first free ones of block `block` (one per feature, so features side by side never
 * share one), counted down from the last address below the broadcast. Docker hands out addresses
 * from the bottom, so the top is free; an address a container or another Service holds (`used`:
 * a run killed before its clean-up, another run on the same cluster) is passed over, never shared.
 * A packet a broken node does not forward stays on the Docker network: the address is on-link
 * there, answers no ARP, and is dropped, never routed off this host.
 */
export function virtualIps(subnet: string, used: readonly string[], block: number, count: number): string[] {
  const [network, prefix] = ipaddr.IPv4.parseCIDR(subnet);
  const size = 2 ** (32 - prefix);
  const first = toNumber(ipaddr.IPv4.broadcastAddressFromCIDR(subnet)) - 1 - block * VIRTUAL_IP_BLOCK;
  if (first - VIRTUAL_IP_BLOCK < toNumber(network) + size / 2) throw new Error(`subnet ${subnet} is too small for block ${block} of ${VIRTUAL_IP_BLOCK} virtual IPs`);
  const taken = new Set(used);
  const free = Array.from({ length: VIRTUAL_IP_BLOCK }, (_, i) => fromNumber(first - i)).filter((address) => !taken.has(address));
  if (free.length < count) throw new Error(`${count} virtual IPs asked for in block ${block} of ${subnet}, but only ${free.length} of its ${VIRTUAL_IP_BLOCK} are free (the others are held by containers or Services: delete what earlier runs left)`);
  return free.slice(0, count);
}

function toNumber(address: ipaddr.IPv4): number {
  return address.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
}

function fromNumber(n: number): string {
  return ipaddr.fromByteArray([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]).toString();
}
