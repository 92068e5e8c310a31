import type { Endpoint } from '../../queries/types.js';
import { pValue } from '../../report/format.js';
import type { CheckLine, FigureTable } from '../../report/report-types.js';
import type { RequestRecord } from '../../traffic/request-record.js';
import { failureReason, isSuccessful } from '../../traffic/traffic-matrix.js';
import { spreadFalseAlarm } from './sizing.js';

export interface AffinityEvidence {
  records: readonly RequestRecord[];
  /** The nodes sent through, with how messages name each (e.g. "node w1 (172.18.0.3:31234)"). */
  nodes: readonly { node: string; label: string }[];
  /** The clients' source addresses. */
  clients: readonly string[];
  endpoints: readonly Endpoint[];
  requestsPerClient: number;
  /** Prefix of the check ids, e.g. "session-affinity/". */
  idPrefix: string;
}

/** Answers per endpoint, largest first. */
function tally(records: readonly RequestRecord[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of records) if (isSuccessful(r)) counts.set(r.pod!, (counts.get(r.pod!) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

const list = (counts: [string, number][]) => counts.map(([pod, c]) => `${pod}: ${c}`).join(', ');

/**
 * Per node: forwarding (every request of every client answered by a ready endpoint), sticky (each
 * client answered by one endpoint only) and spread (the clients together reach more than one
 * endpoint); and the stickiness table, one row per client and node.
 */
export function judgeAffinity(evidence: AffinityEvidence): { checks: CheckLine[]; figure: FigureTable } {
  const { records, clients, endpoints, requestsPerClient, idPrefix } = evidence;
  const ready = new Set(endpoints.map((e) => e.pod));
  const ipOf = new Map(endpoints.map((e) => [e.pod, e.ip]));
  const checks: CheckLine[] = [];
  const rows: (string | number | null)[][] = [];
  for (const { node, label } of evidence.nodes) {
    const through = records.filter((r) => r.node === node);
    const base = { node, endpoint: null };
    const planned = clients.length * requestsPerClient;

    const failed = through.filter((r) => !isSuccessful(r));
    const outsiders = tally(through).filter(([pod]) => !ready.has(pod));
    const problems: string[] = [];
    if (through.length < planned) problems.push(`${through.length} of ${planned} planned requests sent (given up after repeated connection failures)`);
    if (failed.length > 0) {
      const reasons = new Map<string, number>();
      for (const r of failed) reasons.set(failureReason(r), (reasons.get(failureReason(r)) ?? 0) + 1);
      problems.push(`${failed.length} of ${through.length} requests failed (${[...reasons].slice(0, 3).map(([why, c]) => `${why}: ${c}`).join(', ')})`);
    }
    if (outsiders.length > 0) problems.push(`answers came from pods that are not ready endpoints (${list(outsiders)})`);
    checks.push(
      problems.length > 0
        ? { ...base, id: `${idPrefix}forwarding/${node}`, status: 'fail', message: `${label}: ${problems.join('; ')}` }
        : { ...base, id: `${idPrefix}forwarding/${node}`, status: 'pass', message: `${label}: all ${planned} requests of ${clients.length} clients answered by service endpoints` },
    );

    const moved: string[] = [];
    for (const client of clients) {
      const mine = through.filter((r) => r.sourceAddress === client);
      const counts = tally(mine);
      const answered = counts.reduce((a, [, c]) => a + c, 0);
      if (counts.length > 1) moved.push(`client ${client}: ${list(counts)}`);
      rows.push([client, node, counts.length === 0 ? null : counts.length === 1 ? counts[0]![0] : list(counts), `${answered} of ${mine.length}`]);
    }
    checks.push(
      moved.length > 0
        ? {
            ...base,
            id: `${idPrefix}sticky/${node}`,
            status: 'fail',
            message: `${label}: ${moved.length} of ${clients.length} clients were answered by more than one endpoint in ${requestsPerClient} requests each, with sessionAffinity ClientIP: ${moved.join('; ')}`,
          }
        : { ...base, id: `${idPrefix}sticky/${node}`, status: 'pass', message: `${label}: each of ${clients.length} clients was answered by one endpoint in all its answers (${requestsPerClient} requests each)` },
    );

    const reached = tally(through).filter(([pod]) => ready.has(pod));
    const chance = spreadFalseAlarm(endpoints.length, evidence.nodes.length, clients.length);
    if (reached.length === 1) {
      const [pod] = reached[0]!;
      checks.push({
        ...base,
        id: `${idPrefix}spread/${node}`,
        status: 'fail',
        message: `${label}: all ${clients.length} clients were sent to ${pod} (${ipOf.get(pod)}); a proxy that picks each client's endpoint at random over ${endpoints.length} does that through some node with probability ${pValue(chance)}: the proxy on ${node} does not spread clients over endpoints`,
      });
    } else {
      checks.push({
        ...base,
        id: `${idPrefix}spread/${node}`,
        status: reached.length > 1 ? 'pass' : 'skip',
        message: reached.length > 1 ? `${label}: ${clients.length} clients reached ${reached.length} of ${endpoints.length} endpoints (${list(reached)})` : `${label}: no answers, so spread is not judged`,
      });
    }
  }
  return {
    checks,
    figure: { title: `Stickiness per client and node (sessionAffinity ClientIP; ${requestsPerClient} requests per client through each node)`, columns: ['client', 'node', 'endpoint', 'answers'], rows },
  };
}
