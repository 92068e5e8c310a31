import type chisquareCdfFn from '@stdlib/stats-base-dists-chisquare-cdf';
import type chisquareQuantileFn from '@stdlib/stats-base-dists-chisquare-quantile';
import { lazyRequire } from '../util/lazy-require.js';

const chisquareCdf = lazyRequire<typeof chisquareCdfFn>('@stdlib/stats-base-dists-chisquare-cdf');
const chisquareQuantile = lazyRequire<typeof chisquareQuantileFn>('@stdlib/stats-base-dists-chisquare-quantile');

export interface ChiSquareResult {
  chiSquare: number;
  df: number;
  pValue: number;
}

/**
 * Upper tail P(X > x) for X ~ chi-square(df).
 * Computed as 1 - cdf, so anything below ~1e-16 comes out as 0; p-values are only compared
 * with levels of 1e-8 or more (docs/statistics.md), where that loss does not matter.
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (x <= 0) return 1;
  return Math.max(0, 1 - chisquareCdf()(x, df));
}

export function chiSquareCdf(x: number, df: number): number {
  if (x <= 0) return 0;
  return chisquareCdf()(x, df);
}

/** Critical value c with P(X > c) = upperTail for X ~ chi-square(df). */
export function chiSquareCriticalValue(upperTail: number, df: number): number {
  if (!(upperTail > 0 && upperTail < 1)) throw new Error(`upper tail must be in (0, 1), got ${upperTail}`);
  if (!(df > 0)) throw new Error(`df must be positive, got ${df}`);
  return chisquareQuantile()(1 - upperTail, df);
}

/** Pearson statistic sum((o - e)^2 / e); `expected` must be positive. */
export function pearsonStatistic(observed: readonly number[], expected: readonly number[]): number {
  if (observed.length !== expected.length) {
    throw new Error(`observed has ${observed.length} cells, expected has ${expected.length}`);
  }
  let sum = 0;
  observed.forEach((o, i) => {
    const e = expected[i] as number;
    sum += ((o - e) * (o - e)) / e;
  });
  return sum;
}

/** Goodness of fit against the uniform distribution over the given cells, df = k - 1. */
export function chiSquareUniform(counts: readonly number[]): ChiSquareResult {
  const k = counts.length;
  const n = counts.reduce((a, b) => a + b, 0);
  if (k < 2 || n === 0) return { chiSquare: 0, df: Math.max(0, k - 1), pValue: 1 };
  const chiSquare = pearsonStatistic(counts, counts.map(() => n / k));
  const df = k - 1;
  return { chiSquare, df, pValue: chiSquareSurvival(chiSquare, df) };
}
