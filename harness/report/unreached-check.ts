import type { RequestRecord } from '../traffic/request-record.js';
import { CLIENT_STALLED, clientStalled } from '../traffic/traffic-matrix.js';
import { connected } from '../traffic/unreached.js';
import type { CheckLine } from './report-types.js';

export interface UnreachedEvidence {
  id: string;
  node: string;
  /** How the message names the path, e.g. "node w3 (172.18.0.4:31234)". */
  label: string;
  /** The probes sent through this path. */
  records: readonly RequestRecord[];
  /** What the probes covered, e.g. "over 21 s, until 30 s after the Service's last change". */
  span: string;
  /** The rule a reached connection breaks, for the failure message. */
  rule: string;
}

/** How a connection that reached nothing ended: "timed out (dropped)", "refused", "client stalled", or the error's code. */
export function unreachedOutcome(record: RequestRecord): string {
  const error = record.error ?? 'no answer';
  if (clientStalled(record)) return CLIENT_STALLED;
  if (/^(ECONNABORTED|ETIMEDOUT)\b|timeout/i.test(error)) return 'timed out (dropped)';
  if (/^ECONNREFUSED\b/.test(error)) return 'refused';
  return error.split(':')[0]!;
}

function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([v, c]) => `${c} ${v}`).join(', ');
}

/** Passes when no probe through the path reached anything (a drop or a refusal both keep the pods out). */
export function unreachedCheck(evidence: UnreachedEvidence): CheckLine {
  const base = { id: evidence.id, node: evidence.node, endpoint: null };
  const { records, label } = evidence;
  if (records.length === 0) return { ...base, status: 'skip', message: `${label}: no probe was sent` };
  const reached = records.filter(connected);
  if (reached.length === 0) {
    return { ...base, status: 'pass', message: `${label}: none of ${records.length} connections reached a pod (${tally(records.map(unreachedOutcome))}) ${evidence.span}` };
  }
  const by = tally(reached.map((r) => (r.pod ? `answered by ${r.pod}` : r.status !== null ? `answered HTTP ${r.status}` : 'connected but not answered')));
  return { ...base, status: 'fail', message: `${label}: ${reached.length} of ${records.length} connections reached something (${by}) ${evidence.span}: ${evidence.rule}` };
}
