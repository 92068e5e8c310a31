import type { BalanceInput, BalanceOptions, BalanceStatus, BalanceVerdict, NodeBalance, PooledBalance } from './balance-types.js';
import { chiSquareUniform } from './chi-square.js';
import { FAMILY_ALPHA, MATERIAL_DEVIATION } from './defaults.js';
import { holmAdjust } from './holm.js';

interface Tally {
  n: number;
  k: number;
  counts: Record<string, number>;
  chiSquare: number;
  df: number;
  pValue: number;
  maxDeviation: number;
  testable: boolean;
}

function tally(expected: readonly string[], counts: Readonly<Record<string, number>>): Tally {
  const k = expected.length;
  const own: Record<string, number> = {};
  for (const pod of expected) own[pod] = counts[pod] ?? 0;
  const values = expected.map((pod) => own[pod] as number);
  const bad = values.find((c) => !Number.isInteger(c) || c < 0);
  if (bad !== undefined) throw new RangeError(`counts must be non-negative integers, got ${bad}`);
  const n = values.reduce((a, b) => a + b, 0);
  const { chiSquare, df, pValue } = chiSquareUniform(values);
  const maxDeviation = n === 0 || k === 0 ? 0 : Math.max(...values.map((c) => Math.abs(c / n - 1 / k)));
  return { n, k, counts: own, chiSquare, df, pValue, maxDeviation, testable: n > 0 && k >= 2 };
}

function status(testable: boolean, significant: boolean, material: boolean): BalanceStatus {
  if (!testable) return 'skip';
  return significant && material ? 'fail' : 'pass';
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((v) => set.has(v));
}

function pooledBalance(tested: readonly BalanceInput[], familyAlpha: number, materialDeviation: number): PooledBalance {
  const first = tested[0];
  let reason: string | null = null;
  if (!first) reason = 'no node had responses from 2 or more expected endpoints';
  else if (!tested.every((t) => sameSet(t.expectedEndpoints, first.expectedEndpoints)))
    reason = 'nodes expect different endpoint sets (externalTrafficPolicy Local?); a pooled uniform test does not apply';
  const expected = first ? [...first.expectedEndpoints] : [];
  const summed: Record<string, number> = {};
  if (!reason) for (const input of tested) for (const pod of expected) summed[pod] = (summed[pod] ?? 0) + (input.counts[pod] ?? 0);
  const t = tally(expected, summed);
  const testable = reason === null && t.testable;
  const significant = testable && t.pValue <= familyAlpha;
  const material = testable && t.maxDeviation > materialDeviation;
  return {
    nodes: reason ? [] : tested.map((i) => i.node),
    n: t.n,
    k: t.k,
    expectedEndpoints: expected,
    counts: t.counts,
    chiSquare: t.chiSquare,
    df: t.df,
    pValue: t.pValue,
    maxDeviation: t.maxDeviation,
    significant,
    material,
    verdict: status(testable, significant, material),
    reason: reason ?? (testable ? null : 'no responses'),
  };
}

/**
 * Per node: Pearson chi-square against uniform over the node's expected endpoints,
 * Holm-corrected across the tested nodes at familyAlpha; a node fails only when its
 * test is significant and the largest share deviation exceeds materialDeviation.
 * The pooled test sums all nodes' counts and is judged the same way at familyAlpha.
 */
export function evaluateBalance(inputs: readonly BalanceInput[], options: BalanceOptions = {}): BalanceVerdict {
  const familyAlpha = options.familyAlpha ?? FAMILY_ALPHA;
  const materialDeviation = options.materialDeviation ?? MATERIAL_DEVIATION;
  const tallies = inputs.map((input) => tally(input.expectedEndpoints, input.counts));
  const testedIdx = tallies.flatMap((t, i) => (t.testable ? [i] : []));
  const adjusted = holmAdjust(testedIdx.map((i) => (tallies[i] as Tally).pValue));
  const adjustedByIdx = new Map(testedIdx.map((i, j) => [i, adjusted[j] as number]));

  const nodes: NodeBalance[] = inputs.map((input, i) => {
    const t = tallies[i] as Tally;
    const expected = new Set(input.expectedEndpoints);
    const unexpected = Object.fromEntries(Object.entries(input.counts).filter(([pod, c]) => !expected.has(pod) && c > 0));
    const adjustedPValue = adjustedByIdx.get(i) ?? 1;
    const significant = t.testable && adjustedPValue <= familyAlpha;
    const material = t.testable && t.maxDeviation > materialDeviation;
    return {
      node: input.node,
      n: t.n,
      k: t.k,
      expectedEndpoints: [...input.expectedEndpoints],
      counts: t.counts,
      unexpected,
      chiSquare: t.chiSquare,
      df: t.df,
      pValue: t.pValue,
      adjustedPValue,
      maxDeviation: t.maxDeviation,
      significant,
      material,
      missingEndpoints: input.expectedEndpoints.filter((pod) => (input.counts[pod] ?? 0) === 0),
      verdict: status(t.testable, significant, material),
    };
  });
  const tested = testedIdx.map((i) => inputs[i] as BalanceInput);
  return { nodes, pooled: pooledBalance(tested, familyAlpha, materialDeviation), familyAlpha, materialDeviation };
}
