import type { Endpoint, NodeAddress, UnaddressedNode } from '../queries/types.js';
import type { BalanceVerdict, NodeBalance, PooledBalance } from '../stats/balance-types.js';
import { minRequestsForReach, missChanceBound } from '../stats/reach.js';
import { decimal, pClause, percent } from './format.js';
import type { RequestRecord } from './request-record.js';
import type { Check, TrafficMatrix } from './report-types.js';
import { failureReason, isSuccessful } from './traffic-matrix.js';

export interface CheckInput {
  nodes: readonly NodeAddress[];
  unaddressedNodes?: readonly UnaddressedNode[];
  /** Ready endpoints. */
  endpoints: readonly Endpoint[];
  matrix: TrafficMatrix;
  failures: Readonly<Record<string, number>>;
  balance: BalanceVerdict;
  nodePort?: number | null;
  /** When given, failure messages name the most common errors per node. */
  records?: readonly RequestRecord[];
  /** Failed requests a node may have and still pass forwarding; default 0. */
  maxFailedRequests?: number;
}

const sum = (values: Record<string, number>): number => Object.values(values).reduce((a, b) => a + b, 0);

function where(node: NodeAddress, port: number | null | undefined): string {
  const host = node.address.includes(':') ? `[${node.address}]` : node.address;
  return port ? `${host}:${port}` : host;
}

function topReasons(records: readonly RequestRecord[] | undefined, node: string): string {
  if (!records) return '';
  const counts = new Map<string, number>();
  for (const r of records) if (r.node === node && !isSuccessful(r)) counts.set(failureReason(r), (counts.get(failureReason(r)) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return top.length ? ` (${top.map(([reason, c]) => `${reason}: ${c}`).join(', ')})` : '';
}

function forwardingCheck(node: NodeAddress, input: CheckInput, endpoints: ReadonlySet<string>, expected: ReadonlySet<string>): Check {
  const row = input.matrix[node.name] ?? {};
  const answered = sum(row);
  const failed = input.failures[node.name] ?? 0;
  const sent = answered + failed;
  const base = { id: `forwarding/${node.name}`, node: node.name, endpoint: null };
  const label = `node ${node.name} (${where(node, input.nodePort)})`;
  if (sent === 0) return { ...base, status: 'skip', message: `${label}: no requests were sent through this node` };
  const stray = (keep: (pod: string) => boolean): [string, number][] => Object.entries(row).filter(([pod, c]) => c > 0 && keep(pod));
  const list = (entries: [string, number][]): string => entries.map(([p, c]) => `${p}: ${c}`).join(', ');
  const total = (entries: [string, number][]): number => entries.reduce((a, [, c]) => a + c, 0);
  const outsiders = stray((pod) => !endpoints.has(pod));
  const remote = stray((pod) => endpoints.has(pod) && !expected.has(pod));
  const problems: string[] = [];
  if (failed > (input.maxFailedRequests ?? 0)) {
    problems.push(`${failed} of ${sent} requests failed${topReasons(input.records, node.name)}`);
  }
  if (outsiders.length > 0) {
    problems.push(`${total(outsiders)} of ${sent} answers came from pods that are not ready endpoints of the service (${list(outsiders)}); stale proxy rules?`);
  }
  if (remote.length > 0) {
    problems.push(`${total(remote)} of ${sent} answers came from endpoints this node should not use (${list(remote)}); externalTrafficPolicy Local ignored?`);
  }
  if (answered === 0 && problems.length === 0) problems.push(`none of ${sent} requests was answered`);
  if (problems.length > 0) return { ...base, status: 'fail', message: `${label}: ${problems.join('; ')}` };
  const tolerated = failed > 0 ? ` (${failed} failed, within the ${input.maxFailedRequests} allowed)` : '';
  return { ...base, status: 'pass', message: `${label}: ${answered} of ${sent} requests answered by service endpoints${tolerated}` };
}

function reachChecks(nb: NodeBalance, ipOf: ReadonlyMap<string, string>, testedNodes: number, alpha: number): Check[] {
  const needed = minRequestsForReach(nb.k, testedNodes, alpha);
  return nb.expectedEndpoints.map((pod): Check => {
    const count = nb.counts[pod] ?? 0;
    const target = `${pod} (${ipOf.get(pod) ?? 'ip unknown'})`;
    const about = nb.k > 0 ? `; expected about ${Math.round(nb.n / nb.k)}` : '';
    const base = { id: `reach/${nb.node}/${pod}`, node: nb.node, endpoint: pod };
    const line = `node ${nb.node}: ${count} of ${nb.n} requests reached ${target}${about}`;
    if (count > 0) return { ...base, status: 'pass', message: line };
    if (nb.n === 0) return { ...base, status: 'skip', message: `node ${nb.node}: no successful requests, so reaching ${target} was not judged` };
    if (nb.n < needed) {
      return { ...base, status: 'skip', message: `${line}, but ${nb.n} answers are too few to tell (at least ${needed} needed)` };
    }
    const chance = missChanceBound(nb.n, nb.k, testedNodes);
    return { ...base, status: 'fail', message: `${line}; the chance of that by luck is below ${chance.toExponential(0)}: the proxy on this node does not send to this endpoint` };
  });
}

function worstEndpoint(counts: Record<string, number>, n: number, k: number): { pod: string; share: number } | undefined {
  let worst: { pod: string; share: number } | undefined;
  for (const [pod, c] of Object.entries(counts)) {
    const share = n > 0 ? c / n : 0;
    if (!worst || Math.abs(share - 1 / k) > Math.abs(worst.share - 1 / k)) worst = { pod, share };
  }
  return worst;
}

function balanceMessage(subject: string, b: NodeBalance | PooledBalance, p: number, pLabel: string, alpha: number, bound: number): string {
  if (b.verdict === 'skip') {
    const why = 'reason' in b && b.reason ? b.reason : b.n === 0 ? 'no successful requests' : b.k === 0 ? 'no expected endpoints' : `only ${b.k} expected endpoint`;
    return `${subject}: balance not judged: ${why}`;
  }
  const stats = `chi-square ${decimal(b.chiSquare)}, df ${b.df}, ${pLabel} ${pClause(p)}`;
  const dev = `largest share deviation ${percent(b.maxDeviation)}`;
  if (b.verdict === 'fail') {
    const w = worstEndpoint(b.counts, b.n, b.k);
    const who = w ? `${w.pod} got ${percent(w.share)} of ${b.n} answers, expected ${percent(1 / b.k)}` : `${b.n} answers`;
    return `${subject}: unbalanced: ${who} (${stats}, significant at ${alpha}; ${dev}, above the ${percent(bound)} bound)`;
  }
  if (b.significant) {
    return `${subject}: statistically uneven but within the material bound (${stats}, significant at ${alpha}; ${dev}, within the ${percent(bound)} bound); not a failure`;
  }
  return `${subject}: balanced over ${b.k} endpoints (${stats}, not significant at ${alpha}; ${dev})`;
}

/**
 * The checks of a run, in a stable order: per addressed node forwarding, reach per expected
 * endpoint and balance; then one skipped forwarding check per unaddressed node; then balance/pooled.
 */
export function buildChecks(input: CheckInput): Check[] {
  const { balance } = input;
  const endpoints = new Set(input.endpoints.map((e) => e.pod));
  const ipOf = new Map(input.endpoints.map((e) => [e.pod, e.ip]));
  const byNode = new Map(balance.nodes.map((b) => [b.node, b]));
  const testedNodes = Math.max(1, balance.nodes.filter((b) => b.verdict !== 'skip').length);
  const checks: Check[] = [];
  for (const node of input.nodes) {
    const nb = byNode.get(node.name);
    checks.push(forwardingCheck(node, input, endpoints, nb ? new Set(nb.expectedEndpoints) : endpoints));
    if (!nb) continue;
    checks.push(...reachChecks(nb, ipOf, testedNodes, balance.familyAlpha));
    checks.push({
      id: `balance/${node.name}`,
      node: node.name,
      endpoint: null,
      status: nb.verdict,
      message: balanceMessage(`node ${node.name}`, nb, nb.adjustedPValue, 'Holm-adjusted', balance.familyAlpha, balance.materialDeviation),
    });
  }
  for (const node of input.unaddressedNodes ?? []) {
    checks.push({ id: `forwarding/${node.name}`, node: node.name, endpoint: null, status: 'skip', message: `node ${node.name} was not tested: ${node.reason}` });
  }
  const pooled = balance.pooled;
  checks.push({
    id: 'balance/pooled',
    node: null,
    endpoint: null,
    status: pooled.verdict,
    message: balanceMessage(`all nodes pooled (${pooled.nodes.length} nodes)`, pooled, pooled.pValue, 'unadjusted', balance.familyAlpha, balance.materialDeviation),
  });
  return checks;
}
