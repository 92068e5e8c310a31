import type padjustFn from '@stdlib/stats-padjust';
import { lazyRequire } from '../util/lazy-require.js';
import type { BalanceInput, BalanceOptions, BalanceStatus, BalanceVerdict, NodeBalance, PooledBalance, ReachTest } from './balance-types.js';
import { chiSquareUniform } from './chi-square.js';
import { FAMILY_ALPHA, MATERIAL_RELATIVE_DEVIATION, TARGET_POWER } from './defaults.js';
import { detectableRelativeDeviation } from './power.js';
import { reachPValue } from './reach.js';

const padjust = lazyRequire<typeof padjustFn>('@stdlib/stats-padjust');

interface Tally {
  n: number;
  k: number;
  counts: Record<string, number>;
  chiSquare: number;
  df: number;
  pValue: number;
  maxDeviation: number;
  maxRelativeDeviation: number;
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
  return { n, k, counts: own, chiSquare, df, pValue, maxDeviation, maxRelativeDeviation: maxDeviation * k };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((v) => set.has(v));
}

/** The pooled test applies when several sources spread over the same endpoints (not under a Local policy). */
function poolable(inputs: readonly BalanceInput[]): boolean {
  const first = inputs[0];
  return inputs.length > 1 && first !== undefined && first.expectedEndpoints.length >= 2 && inputs.every((i) => sameSet(i.expectedEndpoints, first.expectedEndpoints));
}

/**
 * One family per run: a reach test per source and expected endpoint, a chi-square balance test per
 * source, and the pooled test over all sources, Holm-corrected together at familyAlpha. A balance
 * test fails only when significant and material (some share off 1/k by more than materialRelative
 * x 1/k); a reach test fails when an endpoint got nothing and luck cannot explain it.
 */
export function evaluateBalance(inputs: readonly BalanceInput[], options: BalanceOptions = {}): BalanceVerdict {
  const familyAlpha = options.familyAlpha ?? FAMILY_ALPHA;
  const materialRelative = options.materialRelative ?? MATERIAL_RELATIVE_DEVIATION;
  const power = options.power ?? TARGET_POWER;
  const tested = inputs.filter((i) => i.expectedEndpoints.length >= 2);
  const tallies = new Map(inputs.map((i) => [i, tally(i.expectedEndpoints, i.counts)]));
  const pooledTally = poolable(tested) ? tally(tested[0]!.expectedEndpoints, sumCounts(tested)) : null;

  // The family, in a fixed order: every reach test, every node's balance, the pooled test.
  const pValues: number[] = [];
  for (const input of tested) {
    const t = tallies.get(input)!;
    for (const pod of input.expectedEndpoints) pValues.push(reachPValue(t.counts[pod] ?? 0, t.n, t.k));
  }
  for (const input of tested) pValues.push(tallies.get(input)!.pValue);
  if (pooledTally) pValues.push(pooledTally.pValue);
  const adjusted = pValues.length > 0 ? padjust()(pValues, 'holm') : [];
  const hypotheses = pValues.length;
  const testLevel = hypotheses > 0 ? familyAlpha / hypotheses : familyAlpha;
  const detectable = memoDetectable(testLevel, power, options.withoutPowerFigures === true);
  let next = 0;
  const take = (): number => adjusted[next++] as number;

  const reachOf = new Map<BalanceInput, ReachTest[]>();
  for (const input of tested) {
    const t = tallies.get(input)!;
    reachOf.set(
      input,
      input.expectedEndpoints.map((endpoint): ReachTest => {
        const count = t.counts[endpoint] ?? 0;
        const adjustedPValue = take();
        const verdict: BalanceStatus = count > 0 ? 'pass' : adjustedPValue <= familyAlpha ? 'fail' : 'skip';
        return { endpoint, count, pValue: reachPValue(count, t.n, t.k), adjustedPValue, verdict };
      }),
    );
  }
  const balanceAdjusted = new Map(tested.map((input) => [input, take()]));
  const pooledAdjusted = pooledTally ? take() : 1;

  const judge = (t: Tally, adjustedPValue: number) => {
    const testable = t.n > 0 && t.k >= 2;
    const significant = testable && adjustedPValue <= familyAlpha;
    const material = testable && t.maxRelativeDeviation > materialRelative;
    const verdict: BalanceStatus = !testable ? 'skip' : significant && material ? 'fail' : 'pass';
    return { significant, material, verdict };
  };

  const nodes: NodeBalance[] = inputs.map((input) => {
    const t = tallies.get(input)!;
    const expected = new Set(input.expectedEndpoints);
    const adjustedPValue = balanceAdjusted.get(input) ?? 1;
    return {
      node: input.node,
      n: t.n,
      k: t.k,
      expectedEndpoints: [...input.expectedEndpoints],
      counts: t.counts,
      unexpected: Object.fromEntries(Object.entries(input.counts).filter(([pod, c]) => !expected.has(pod) && c > 0)),
      chiSquare: t.chiSquare,
      df: t.df,
      pValue: t.pValue,
      adjustedPValue,
      maxDeviation: t.maxDeviation,
      maxRelativeDeviation: t.maxRelativeDeviation,
      reach: reachOf.get(input) ?? [],
      detectableRelativeDeviation: detectable(t.n, t.k),
      ...judge(t, adjustedPValue),
    };
  });

  const pooled: PooledBalance | null = pooledTally && {
    nodes: tested.map((i) => i.node),
    n: pooledTally.n,
    k: pooledTally.k,
    expectedEndpoints: [...tested[0]!.expectedEndpoints],
    counts: pooledTally.counts,
    chiSquare: pooledTally.chiSquare,
    df: pooledTally.df,
    pValue: pooledTally.pValue,
    adjustedPValue: pooledAdjusted,
    maxDeviation: pooledTally.maxDeviation,
    maxRelativeDeviation: pooledTally.maxRelativeDeviation,
    ...judge(pooledTally, pooledAdjusted),
  };
  const figures = nodes.flatMap((n) => (n.detectableRelativeDeviation === null ? [] : [n.detectableRelativeDeviation]));
  return { nodes, pooled, familyAlpha, materialRelative, hypotheses, power, detectableRelativeDeviation: figures.length > 0 ? Math.max(...figures) : null };
}

/** detectableRelativeDeviation per distinct (n, k): nodes of one run mostly share both. */
function memoDetectable(level: number, power: number, off: boolean): (n: number, k: number) => number | null {
  const memo = new Map<string, number>();
  return (n, k) => {
    if (off || k < 2) return null;
    const key = `${n}/${k}`;
    if (!memo.has(key)) memo.set(key, detectableRelativeDeviation(n, k, level, power));
    const value = memo.get(key)!;
    return Number.isFinite(value) ? value : null;
  };
}

function sumCounts(inputs: readonly BalanceInput[]): Record<string, number> {
  const summed: Record<string, number> = {};
  for (const input of inputs) for (const pod of input.expectedEndpoints) summed[pod] = (summed[pod] ?? 0) + (input.counts[pod] ?? 0);
  return summed;
}
