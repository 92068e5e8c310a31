import ipaddr from 'ipaddr.js';

/** Addresses each feature may take at the top of the cluster's Docker subnet: one per node. */
export const VIRTUAL_IP_BLOCK = 32;

/**
 * `count` addresses of the subnet that no container holds, for a Service's external or
 * load-balancer IPs: block `block` (one per feature, so features side by side never share one)
 * counted down from the last address below the broadcast. Docker hands out addresses from the
 * bottom, so the top is free; one that is held anyway is an error, never a silent overlap. A
 * packet a broken node does not forward stays on the Docker network: the address is on-link there,
 * answers no ARP, and is dropped, never routed off this host.
 */
export function virtualIps(subnet: string, used: readonly string[], block: number, count: number): string[] {
  if (count > VIRTUAL_IP_BLOCK) throw new Error(`${count} virtual IPs asked for, at most ${VIRTUAL_IP_BLOCK} per feature`);
  const [network, prefix] = ipaddr.IPv4.parseCIDR(subnet);
  const size = 2 ** (32 - prefix);
  const top = toNumber(ipaddr.IPv4.broadcastAddressFromCIDR(subnet)) - 1;
  const first = top - block * VIRTUAL_IP_BLOCK;
  if (first - count < toNumber(network) + size / 2) throw new Error(`subnet ${subnet} is too small for ${count} virtual IPs in block ${block}`);
  const picked = Array.from({ length: count }, (_, i) => fromNumber(first - i));
  const held = picked.filter((address) => used.includes(address));
  if (held.length > 0) throw new Error(`${held.join(', ')} of ${subnet} already held by a container; cannot use it as a virtual IP`);
  return picked;
}

function toNumber(address: ipaddr.IPv4): number {
  return address.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
}

function fromNumber(n: number): string {
  return ipaddr.fromByteArray([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]).toString();
}
