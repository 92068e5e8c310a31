import type { Endpoint } from '../queries/types.js';

/**
 * Faults a broken proxy could have on one node, emulated in the node's own network namespace:
 *  - no-forwarding: matching connections are refused (the rules are gone);
 *  - drop: matching connections are silently dropped (they time out: the node is dead to clients);
 *  - exclude-endpoint: the node never picks one endpoint;
 *  - skew: the node picks endpoints with unequal weights (all weights 1: it forwards to every
 *    endpoint, whatever kube-proxy would do, e.g. on a NodePort that should be closed);
 *  - masquerade: the node still forwards to the endpoint its proxy picks, but from its own address:
 *    the endpoint no longer sees the client's (what a proxy ignoring externalTrafficPolicy Local does).
 * Each applies to the traffic its matches select: by default every NodePort of the node.
 */
export type ProxyFault = (
  | { kind: 'no-forwarding' }
  | { kind: 'drop' }
  | { kind: 'exclude-endpoint'; excluded: Endpoint; endpoints: Endpoint[] }
  | { kind: 'skew'; weights: { endpoint: Endpoint; weight: number }[] }
  | { kind: 'masquerade' }
) & { matches?: FaultMatch[] };

/** Which new connections a fault takes: to any NodePort of the node, to one of them, or to one address and port (a ClusterIP), optionally from one source. */
export type FaultMatch = { kind: 'node-ports' } | { kind: 'node-port'; port: number; protocol?: FaultProtocol } | { kind: 'address'; address: string; port: number; from?: string; protocol?: FaultProtocol };
type FaultProtocol = 'tcp' | 'udp';

export const FAULT_TABLE = 'kpc_fault';
/** A feature's own fault table, so that the faults of several features can stand on one node at once. */
export const featureFaultTable = (slug: string): string => `${FAULT_TABLE}_${slug.replaceAll('-', '_')}`;
/** True when a fault takes only the connections to the addresses and ports it names (not every NodePort of the node). */
export const namesItsTraffic = (fault: ProxyFault): boolean => (fault.matches ?? []).length > 0 && fault.matches!.every((m) => m.kind !== 'node-ports');
/** The nft family of a fault's table: IPv4 traffic, or IPv6 (a dual-stack cluster's other half). */
export const FAULT_FAMILIES = ['ip', 'ip6'] as const;
export type FaultFamily = (typeof FAULT_FAMILIES)[number];
const NODEPORT_RANGE = '30000-32767';
const FAULT_MARK = '0x6b7063';

function matchRule(match: FaultMatch, family: FaultFamily): string {
  if (match.kind === 'node-ports') return `fib daddr type local tcp dport ${NODEPORT_RANGE}`;
  if (match.kind === 'node-port') return `fib daddr type local ${match.protocol ?? 'tcp'} dport ${match.port}`;
  return `${match.from ? `${family} saddr ${match.from} ` : ''}${family} daddr ${match.address} ${match.protocol ?? 'tcp'} dport ${match.port}`;
}

/**
 * The faults as one nft script: a table of its own whose hooks run just before kube-proxy's
 * (priority dstnat - 10, srcnat - 10), so kube-proxy's resyncs never see or repair it; deleting
 * the table restores the node. NAT stops at the first chain that maps a new connection, so
 * kube-proxy's DNAT is skipped for the redirected ones, which are masqueraded here as kube-proxy
 * would. A masquerade fault only marks the matching connections on the way in (before kube-proxy's
 * DNAT, while their destination is still the one matched) and masquerades them on the way out to
 * the endpoint kube-proxy picked, ahead of kube-proxy's own source NAT. Several faults (each with
 * its own matches) go into one table, their rules in the given order, with one masquerade for all.
 * The table's family says which traffic it sees: `ip` (IPv4) or `ip6` (IPv6). Tables of other names
 * (one per feature, featureFaultTable) stand beside it: faults that match disjoint traffic.
 */
export function faultScript(faults: ProxyFault | readonly ProxyFault[], targetPort: number, family: FaultFamily = 'ip', table: string = FAULT_TABLE): string {
  const list: readonly ProxyFault[] = 'kind' in faults ? [faults] : faults;
  const refuse: string[] = [];
  const tag: string[] = [];
  const pick: string[] = [];
  for (const fault of list) {
    const matches = (fault.matches ?? [{ kind: 'node-ports' }]).map((m) => matchRule(m, family));
    if (fault.kind === 'no-forwarding' || fault.kind === 'drop') {
      const verdict = fault.kind === 'drop' ? 'drop' : 'reject with tcp reset';
      refuse.push(...matches.map((m) => `    ${m} ${verdict}`));
    } else if (fault.kind === 'masquerade') {
      tag.push(...matches.map((m) => `    ${m} ct mark set ${FAULT_MARK}`));
    } else {
      const picks = fault.kind === 'skew' ? fault.weights.flatMap((w) => Array<Endpoint>(w.weight).fill(w.endpoint)) : fault.endpoints.filter((e) => e.pod !== fault.excluded.pod);
      if (picks.length === 0) throw new Error('a fault must leave at least one endpoint to send to');
      const map = picks.map((e, i) => `${i} : ${e.ip}`).join(', ');
      pick.push(...matches.map((m) => `    ${m} ct mark set ${FAULT_MARK} dnat to numgen random mod ${picks.length} map { ${map} } : ${targetPort}`));
    }
  }
  const lines = [`table ${family} ${table} {`];
  if (refuse.length > 0) lines.push('  chain refuse {', '    type filter hook prerouting priority dstnat - 10; policy accept;', ...refuse, '  }');
  if (tag.length > 0) lines.push('  chain tag {', '    type filter hook prerouting priority dstnat - 10; policy accept;', ...tag, '  }');
  if (pick.length > 0) lines.push('  chain pick {', '    type nat hook prerouting priority dstnat - 10; policy accept;', ...pick, '  }');
  if (tag.length > 0 || pick.length > 0) {
    lines.push('  chain leave {', '    type nat hook postrouting priority srcnat - 10; policy accept;', `    ct mark ${FAULT_MARK} masquerade`, '  }');
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function describeFault(fault: ProxyFault): string {
  const udp = (m: { protocol?: FaultProtocol }) => (m.protocol === 'udp' ? 'UDP ' : '');
  const where = (fault.matches ?? [{ kind: 'node-ports' }]).map((m) => (m.kind === 'node-ports' ? 'every NodePort' : m.kind === 'node-port' ? `${udp(m)}NodePort ${m.port}` : `${m.from ? `from ${m.from} ` : ''}${udp(m)}to ${m.address}:${m.port}`)).join(' and ');
  switch (fault.kind) {
    case 'no-forwarding':
      return `refuses connections to ${where}`;
    case 'drop':
      return `drops connections to ${where}`;
    case 'exclude-endpoint':
      return `never sends ${where} to ${fault.excluded.pod} (${fault.excluded.ip})`;
    case 'skew':
      return `sends ${where} with weights ${fault.weights.map((w) => `${w.endpoint.pod}=${w.weight}`).join(', ')}`;
    case 'masquerade':
      return `masquerades ${where}: the endpoints see the node's address, not the client's`;
  }
}
