import { chiSquareCriticalValue } from './chi-square-quantile.js';
import { noncentralChiSquareCdf } from './noncentral-chi-square.js';
import { FAMILY_ALPHA } from './defaults.js';

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
 * The smallest-effect alternative that is still material: one endpoint off by exactly
 * `deviation`, the others sharing the difference equally. Among all share vectors with
 * max |p_i - 1/k| = deviation it has the least noncentrality, so the n that catches it
 * catches every material skew.
 */
export function leastFavourableMaterialShares(k: number, deviation: number): number[] {
  if (k < 2) throw new Error(`need at least 2 endpoints, got ${k}`);
  const rest = 1 / k - deviation / (k - 1);
  return [1 / k + deviation, ...new Array<number>(k - 1).fill(rest)];
}

export interface PowerOptions {
  /** True shares under the alternative; default 2:1:1 (.5/.25/.25). */
  shares?: readonly number[];
  /** Nodes tested together; the per-node level is familyAlpha / nodes (Bonferroni, which Holm never does worse than). */
  nodes?: number;
  familyAlpha?: number;
  /** Target probability of catching the alternative on one node. */
  power?: number;
}

const MAX_REQUESTS = 10_000_000;

/** Connections per node so that `shares` is detected on a node with probability >= `power`. */
export function requiredRequestsPerNode(options: PowerOptions = {}): number {
  const shares = options.shares ?? [0.5, 0.25, 0.25];
  const nodes = options.nodes ?? 4;
  const familyAlpha = options.familyAlpha ?? FAMILY_ALPHA;
  const target = options.power ?? 0.99;
  if (shares.length < 2) throw new Error('need at least 2 endpoints');
  if (noncentrality(1, shares) <= 0) throw new Error('the alternative equals the uniform distribution; no n detects it');
  const df = shares.length - 1;
  const critical = chiSquareCriticalValue(familyAlpha / nodes, df);
  const powerAt = (n: number): number => 1 - noncentralChiSquareCdf(critical, df, noncentrality(n, shares));
  let hi = 1;
  while (powerAt(hi) < target) {
    hi *= 2;
    if (hi > MAX_REQUESTS) throw new Error(`more than ${MAX_REQUESTS} requests per node would be needed`);
  }
  let lo = Math.floor(hi / 2);
  // Invariant: powerAt(hi) >= target and (lo === 0 or powerAt(lo) < target).
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (powerAt(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}
