import type { Endpoint } from '../queries/types.js';

/**
 * Faults a broken proxy could have on one node, emulated in the node's own network namespace:
 *  - no-forwarding: connections to any NodePort are refused (the rules are gone);
 *  - exclude-endpoint: the node never picks one endpoint;
 *  - skew: the node picks endpoints with unequal weights.
 */
export type ProxyFault =
  | { kind: 'no-forwarding' }
  | { kind: 'exclude-endpoint'; excluded: Endpoint; endpoints: Endpoint[] }
  | { kind: 'skew'; weights: { endpoint: Endpoint; weight: number }[] };

export const FAULT_TABLE = 'kpc_fault';
const NODEPORT_RANGE = '30000-32767';
const FAULT_MARK = '0x6b7063';

/**
 * The fault as an nft script: a table of its own whose hooks run just before kube-proxy's
 * (priority dstnat - 10), so kube-proxy's resyncs never see or repair it; deleting the table
 * restores the node. NAT stops at the first chain that maps a new connection, so kube-proxy's
 * DNAT is skipped for the redirected ones, which are masqueraded here as kube-proxy would.
 */
export function faultScript(fault: ProxyFault, targetPort: number): string {
  const match = `fib daddr type local tcp dport ${NODEPORT_RANGE}`;
  const lines = [`table ip ${FAULT_TABLE} {`];
  if (fault.kind === 'no-forwarding') {
    lines.push(
      '  chain refuse {',
      '    type filter hook prerouting priority dstnat - 10; policy accept;',
      `    ${match} reject with tcp reset`,
      '  }',
    );
  } else {
    const picks = fault.kind === 'skew' ? fault.weights.flatMap((w) => Array<Endpoint>(w.weight).fill(w.endpoint)) : fault.endpoints.filter((e) => e.pod !== fault.excluded.pod);
    if (picks.length === 0) throw new Error('a fault must leave at least one endpoint to send to');
    const map = picks.map((e, i) => `${i} : ${e.ip}`).join(', ');
    lines.push(
      '  chain pick {',
      '    type nat hook prerouting priority dstnat - 10; policy accept;',
      `    ${match} ct mark set ${FAULT_MARK} dnat to numgen random mod ${picks.length} map { ${map} } : ${targetPort}`,
      '  }',
      '  chain leave {',
      '    type nat hook postrouting priority srcnat - 10; policy accept;',
      `    ct mark ${FAULT_MARK} masquerade`,
      '  }',
    );
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function describeFault(fault: ProxyFault): string {
  switch (fault.kind) {
    case 'no-forwarding':
      return 'refuses every NodePort connection';
    case 'exclude-endpoint':
      return `never sends to ${fault.excluded.pod} (${fault.excluded.ip})`;
    case 'skew':
      return `sends with weights ${fault.weights.map((w) => `${w.endpoint.pod}=${w.weight}`).join(', ')}`;
  }
}
