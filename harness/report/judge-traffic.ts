import type { Endpoint, UnaddressedNode } from '../queries/types.js';
import { evaluateBalance } from '../stats/balance.js';
import type { BalanceInput } from '../stats/balance-types.js';
import { MATERIAL_RELATIVE_DEVIATION, TARGET_POWER } from '../stats/defaults.js';
import type { Sizing } from '../stats/sizing.js';
import type { RequestRecord } from '../traffic/request-record.js';
import { matrixFromRecords, talliesFromRecords } from '../traffic/traffic-matrix.js';
import { GIVE_UP_AFTER } from '../traffic/traffic-plan.js';
import { buildChecks } from './build-checks.js';
import type { CheckLine, Measurement, MeasurementSource, ReportSizing } from './report-types.js';

export interface TrafficEvidence {
  name: string;
  client: Measurement['client'];
  sources: MeasurementSource[];
  /** Ready endpoints of the Service. */
  endpoints: Endpoint[];
  /** Per source node: the endpoints it should spread over (all of them, or the local ones). */
  expected: (source: string) => string[];
  records: readonly RequestRecord[];
  requestsPerNode: number;
  sizing: Sizing | null;
  /** The family's alpha: the run's, divided among the run's statistical features. */
  familyAlpha: number;
  /** Prefix of the check ids ("" for the NodePort lab). */
  idPrefix: string;
  /** Nodes that could not be sent through: each gets a skipped forwarding check. */
  unreachable?: UnaddressedNode[];
}

/** Counts, tallies, the one-family statistics and the checks of one traffic measurement. */
export function judgeTraffic(evidence: TrafficEvidence): { measurement: Measurement; checks: CheckLine[] } {
  const names = evidence.sources.map((s) => s.node);
  const matrix = matrixFromRecords(evidence.records, names);
  const traffic = talliesFromRecords(evidence.records, names, evidence.requestsPerNode);
  const inputs: BalanceInput[] = names.map((node) => ({ node, counts: { ...(matrix[node] ?? {}) }, expectedEndpoints: evidence.expected(node) }));
  const balance = evaluateBalance(inputs, { familyAlpha: evidence.familyAlpha });
  const checks = buildChecks({
    sources: evidence.sources,
    unreachable: evidence.unreachable,
    endpoints: evidence.endpoints,
    matrix,
    tallies: traffic,
    balance,
    records: evidence.records,
    giveUpAfter: GIVE_UP_AFTER,
    idPrefix: evidence.idPrefix,
  });
  const sizing: ReportSizing | null = evidence.sizing && {
    nodes: evidence.sizing.shape.nodes,
    endpoints: evidence.sizing.shape.endpoints,
    minimum: evidence.sizing.minimum,
    recommended: evidence.sizing.recommended,
    hypotheses: balance.hypotheses,
    familyAlpha: balance.familyAlpha,
    power: balance.power ?? TARGET_POWER,
    materialRelative: balance.materialRelative ?? MATERIAL_RELATIVE_DEVIATION,
    detectableRelativeDeviation: balance.detectableRelativeDeviation,
  };
  return {
    measurement: {
      name: evidence.name,
      client: evidence.client,
      sources: evidence.sources,
      endpoints: evidence.endpoints,
      matrix,
      traffic,
      balance,
      requestsPerNode: evidence.requestsPerNode,
      sizing,
    },
    checks,
  };
}
