import { chiSquareCriticalValue } from './chi-square.js';
import { noncentralChiSquareCdf } from './noncentral-chi-square.js';

/** Noncentrality of Pearson's test against uniform when the true shares are `shares`: n * sum((p_i - 1/k)^2 / (1/k)). */
export function noncentrality(n: number, shares: readonly number[]): number {
  const k = shares.length;
  return n * shares.reduce((sum, p) => sum + (p - 1 / k) ** 2 * k, 0);
}

/** Probability that the chi-square test at `level` rejects uniformity after n requests whose true shares are `shares`. */
export function chiSquarePower(n: number, shares: readonly number[], level: number): number {
  const df = shares.length - 1;
  const critical = chiSquareCriticalValue(level, df);
  return 1 - noncentralChiSquareCdf(critical, df, noncentrality(n, shares));
}

/**
 * The smallest-effect alternative that is still material: one endpoint off its fair share 1/k by
 * exactly `relative` x 1/k, the others sharing the difference equally. Among all share vectors
 * whose largest relative deviation is `relative` it has the least noncentrality
 * (lambda / n = relative^2 / (k - 1)), so an n that catches it catches every material skew.
 */
export function leastFavourableShares(k: number, relative: number): number[] {
  if (k < 2) throw new Error(`need at least 2 endpoints, got ${k}`);
  const deviation = relative / k;
  const rest = 1 / k - deviation / (k - 1);
  return [1 / k + deviation, ...new Array<number>(k - 1).fill(rest)];
}

export interface PowerTarget {
  /** True shares under the alternative. */
  shares: readonly number[];
  /** Level each test is run at (the family alpha divided by the family size: Bonferroni, which Holm never does worse than). */
  level: number;
  power: number;
}

const MAX_REQUESTS = 100_000_000;

/** A skew so small that no run of at most MAX_REQUESTS per node detects it. */
export class InfeasibleSizing extends RangeError {}

/** Smallest n per node at which `shares` is detected at `level` with probability >= `power`. */
export function requiredRequests({ shares, level, power }: PowerTarget): number {
  if (shares.length < 2) throw new Error('need at least 2 endpoints');
  if (noncentrality(1, shares) <= 0) throw new Error('the alternative equals the uniform distribution; no n detects it');
  const df = shares.length - 1;
  const critical = chiSquareCriticalValue(level, df);
  const powerAt = (n: number): number => 1 - noncentralChiSquareCdf(critical, df, noncentrality(n, shares));
  let hi = 1;
  while (powerAt(hi) < power) {
    hi *= 2;
    if (hi > MAX_REQUESTS) throw new InfeasibleSizing(`more than ${MAX_REQUESTS} requests per node would be needed`);
  }
  let lo = Math.floor(hi / 2);
  // Invariant: powerAt(hi) >= power and (lo === 0 or powerAt(lo) < power).
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (powerAt(mid) >= power) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The smallest relative share deviation (as a fraction of 1/k) that n requests over k endpoints
 * detect at `level` with probability `power`, by bisection on the least favourable alternative.
 * Infinity when even the largest possible deviation (one endpoint taking everything) is not.
 */
export function detectableRelativeDeviation(n: number, k: number, level: number, power: number): number {
  if (k < 2 || n <= 0) return Number.POSITIVE_INFINITY;
  const caught = (relative: number): boolean => chiSquarePower(n, leastFavourableShares(k, relative), level) >= power;
  let hi = k - 1;
  if (!caught(hi)) return Number.POSITIVE_INFINITY;
  let lo = 0;
  while (hi - lo > 1e-4) {
    const mid = (lo + hi) / 2;
    if (caught(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
