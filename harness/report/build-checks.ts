import type { Endpoint, UnaddressedNode } from '../queries/types.js';
import type { BalanceVerdict, NodeBalance, PooledBalance, ReachTest } from '../stats/balance-types.js';
import type { RequestRecord } from '../traffic/request-record.js';
import { failureReason, isSuccessful, type NodeTally, type TrafficMatrix } from '../traffic/traffic-matrix.js';
import { decimal, pClause, percent } from './format.js';
import type { CheckLine as Check, MeasurementSource } from './report-types.js';

export interface CheckInput {
  /** Where each row of traffic came from; `label` is how messages name it, e.g. "node kind-worker (172.18.0.2:31234)". */
  sources: readonly Pick<MeasurementSource, 'node' | 'label'>[];
  /** Sources that could not be sent through; each gets a skipped forwarding check (never a pass). */
  unreachable?: readonly UnaddressedNode[];
  /** Ready endpoints. */
  endpoints: readonly Endpoint[];
  matrix: TrafficMatrix;
  tallies: Readonly<Record<string, NodeTally>>;
  balance: BalanceVerdict;
  /** When given, failure messages name the most common errors per source. */
  records?: readonly RequestRecord[];
  /** Connection failures in a row after which a source was given up on. */
  giveUpAfter: number;
  /** Prepended to every check id, e.g. "cluster-ip/"; empty for the NodePort lab. */
  idPrefix?: string;
}

function topReasons(records: readonly RequestRecord[] | undefined, node: string): string {
  if (!records) return '';
  const counts = new Map<string, number>();
  for (const r of records) if (r.node === node && !isSuccessful(r)) counts.set(failureReason(r), (counts.get(failureReason(r)) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return top.length ? ` (${top.map(([reason, c]) => `${reason}: ${c}`).join(', ')})` : '';
}

/** How many requests through `node` were sent again because a send was no evidence (burst.ts), said so. */
function resent(records: readonly RequestRecord[] | undefined, node: string): string {
  const count = records?.filter((r) => r.node === node && (r.stalledSends ?? 0) > 0).length ?? 0;
  return count > 0 ? ` (${count} sent again: the client or the app stalled on an earlier send, which tells nothing about the proxy)` : '';
}

function forwardingCheck(source: Pick<MeasurementSource, 'node' | 'label'>, input: CheckInput, endpoints: ReadonlySet<string>, expected: ReadonlySet<string>): Check {
  const row = input.matrix[source.node] ?? {};
  const tally = input.tallies[source.node] ?? { planned: 0, sent: 0, answered: 0, failed: 0 };
  const base = { id: `${input.idPrefix ?? ''}forwarding/${source.node}`, node: source.node, endpoint: null };
  if (tally.planned === 0) return { ...base, status: 'skip', message: `${source.label}: no requests were planned through it` };
  const stray = (keep: (pod: string) => boolean): [string, number][] => Object.entries(row).filter(([pod, c]) => c > 0 && keep(pod));
  const list = (entries: [string, number][]): string => entries.map(([p, c]) => `${p}: ${c}`).join(', ');
  const total = (entries: [string, number][]): number => entries.reduce((a, [, c]) => a + c, 0);
  const outsiders = stray((pod) => !endpoints.has(pod));
  const remote = stray((pod) => endpoints.has(pod) && !expected.has(pod));
  const problems: string[] = [];
  const reasons = topReasons(input.records, source.node);
  if (tally.sent < tally.planned) {
    problems.push(`given up after ${input.giveUpAfter} connection failures in a row: ${tally.sent} of ${tally.planned} planned requests sent, ${tally.answered} answered${reasons}`);
  } else if (tally.failed > 0) {
    problems.push(`${tally.failed} of ${tally.sent} requests failed${reasons}`);
  }
  if (outsiders.length > 0) {
    problems.push(`${total(outsiders)} of ${tally.sent} answers came from pods that are not ready endpoints of the service (${list(outsiders)}); stale proxy rules?`);
  }
  if (remote.length > 0) {
    problems.push(`${total(remote)} of ${tally.sent} answers came from endpoints this source should not use (${list(remote)}); a Local traffic policy ignored?`);
  }
  if (problems.length > 0) return { ...base, status: 'fail', message: `${source.label}: ${problems.join('; ')}` };
  return { ...base, status: 'pass', message: `${source.label}: all ${tally.planned} planned requests answered by service endpoints${resent(input.records, source.node)}` };
}

function reachCheck(nb: NodeBalance, test: ReachTest, ipOf: ReadonlyMap<string, string>, input: CheckInput): Check {
  const target = `${test.endpoint} (${ipOf.get(test.endpoint) ?? 'ip unknown'})`;
  const base = { id: `${input.idPrefix ?? ''}reach/${nb.node}/${test.endpoint}`, node: nb.node, endpoint: test.endpoint };
  const line = `${test.count} of ${nb.n} answers through ${nb.node} came from ${target}; about ${Math.round(nb.n / nb.k)} expected`;
  if (test.verdict === 'pass') return { ...base, status: 'pass', message: line };
  if (test.verdict === 'fail') {
    return { ...base, status: 'fail', message: `${line}; the chance of that by luck is ${pClause(test.pValue).replace(/^p = /, '')} (Holm-adjusted ${pClause(test.adjustedPValue).replace(/^p = /, '')}): the proxy on ${nb.node} does not send to this endpoint` };
  }
  return { ...base, status: 'skip', message: `${line}, but ${nb.n} answers are too few to tell a missing endpoint from luck` };
}

function worstEndpoint(counts: Record<string, number>, n: number, k: number): { pod: string; share: number } | undefined {
  let worst: { pod: string; share: number } | undefined;
  for (const [pod, c] of Object.entries(counts)) {
    const share = n > 0 ? c / n : 0;
    if (!worst || Math.abs(share - 1 / k) > Math.abs(worst.share - 1 / k)) worst = { pod, share };
  }
  return worst;
}

function balanceMessage(subject: string, b: NodeBalance | PooledBalance, verdict: BalanceVerdict): string {
  if (b.verdict === 'skip') return `${subject}: balance not judged: ${b.n === 0 ? 'no successful answers' : `only ${b.k} expected endpoint`}`;
  const alpha = verdict.familyAlpha;
  const bound = `${percent(verdict.materialRelative)} of the fair share ${percent(1 / b.k)}`;
  const stats = `chi-square ${decimal(b.chiSquare)}, df ${b.df}, Holm-adjusted ${pClause(b.adjustedPValue)}`;
  const dev = `largest deviation ${percent(b.maxRelativeDeviation)} of the fair share`;
  if (b.verdict === 'fail') {
    const w = worstEndpoint(b.counts, b.n, b.k);
    const who = w ? `${w.pod} got ${percent(w.share)} of ${b.n} answers, expected ${percent(1 / b.k)}` : `${b.n} answers`;
    return `${subject}: unbalanced: ${who} (${stats}, significant at ${alpha}; ${dev}, above the material bound of ${bound})`;
  }
  if (b.significant) return `${subject}: statistically uneven but within the material bound (${stats}, significant at ${alpha}; ${dev}, within ${bound}); not a failure`;
  return `${subject}: balanced over ${b.k} endpoints (${stats}, not significant at ${alpha}; ${dev})`;
}

/**
 * The checks of one traffic measurement, in a stable order: per source its forwarding, reach per
 * expected endpoint and balance; then one skipped forwarding check per unreachable source; then
 * the pooled balance when there is one.
 */
export function buildChecks(input: CheckInput): Check[] {
  const { balance } = input;
  const prefix = input.idPrefix ?? '';
  const endpoints = new Set(input.endpoints.map((e) => e.pod));
  const ipOf = new Map(input.endpoints.map((e) => [e.pod, e.ip]));
  const byNode = new Map(balance.nodes.map((b) => [b.node, b]));
  const checks: Check[] = [];
  for (const source of input.sources) {
    const nb = byNode.get(source.node);
    checks.push(forwardingCheck(source, input, endpoints, nb ? new Set(nb.expectedEndpoints) : endpoints));
    if (!nb || nb.k < 2) continue;
    checks.push(...nb.reach.map((test) => reachCheck(nb, test, ipOf, input)));
    checks.push({ id: `${prefix}balance/${source.node}`, node: source.node, endpoint: null, status: nb.verdict, message: balanceMessage(source.label, nb, balance) });
  }
  for (const node of input.unreachable ?? []) {
    checks.push({ id: `${prefix}forwarding/${node.name}`, node: node.name, endpoint: null, status: 'skip', message: `node ${node.name} was not tested: ${node.reason}` });
  }
  if (balance.pooled) {
    const pooled = balance.pooled;
    checks.push({ id: `${prefix}balance/pooled`, node: null, endpoint: null, status: pooled.verdict, message: balanceMessage(`all ${pooled.nodes.length} sources pooled`, pooled, balance) });
  }
  return checks;
}
