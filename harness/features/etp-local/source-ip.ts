import type { CheckLine } from '../../report/report-types.js';
import type { RequestRecord } from '../../traffic/request-record.js';
import { isSuccessful } from '../../traffic/traffic-matrix.js';

/** "::ffff:172.18.0.1" (an IPv4 address on a dual-stack socket) -> "172.18.0.1". */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([v, c]) => `${v}: ${c}`).join(', ');
}

/**
 * Under externalTrafficPolicy Local the proxy must not masquerade: every answering pod must have
 * seen the client's own address (what the client's socket was bound to at connect) as the source.
 * Judged over the successful answers through one node; failed requests are the forwarding check's.
 */
export function sourceIpCheck(id: string, node: string, label: string, records: readonly RequestRecord[]): CheckLine {
  const base = { id, node, endpoint: null };
  const answers = records.filter((r) => r.node === node && isSuccessful(r));
  if (answers.length === 0) return { ...base, status: 'skip', message: `${label}: no answer to compare source addresses with` };
  const unknown = answers.filter((r) => r.seenSource === null || r.sourceAddress === null);
  if (unknown.length > 0) {
    return { ...base, status: 'skip', message: `${label}: ${unknown.length} of ${answers.length} answers do not say which source address the pod saw (an app image that does not echo "client"?)` };
  }
  const own = [...new Set(answers.map((r) => plainAddress(r.sourceAddress!)))].join(', ');
  const changed = answers.filter((r) => plainAddress(r.seenSource!) !== plainAddress(r.sourceAddress!));
  if (changed.length === 0) return { ...base, status: 'pass', message: `${label}: all ${answers.length} answers saw the client's own address (${own})` };
  const seen = tally(changed.map((r) => `${plainAddress(r.seenSource!)} instead of ${plainAddress(r.sourceAddress!)}`));
  return {
    ...base,
    status: 'fail',
    message: `${label}: ${changed.length} of ${answers.length} answers saw another source than the client's own address (${seen}): the node masqueraded external traffic that externalTrafficPolicy Local must deliver with its source`,
  };
}
