import { chiSquareSurvival } from './chi-square.js';

/**
 * Critical value c with P(X > c) = upperTail for X ~ chi-square(df), by bisection.
 * @stdlib/stats-base-dists-chisquare-quantile is not a dependency; bisection on the
 * survival function keeps precision for small tails (the lower-tail quantile 1 - alpha would not).
 */
export function chiSquareCriticalValue(upperTail: number, df: number): number {
  if (!(upperTail > 0 && upperTail < 1)) throw new Error(`upper tail must be in (0, 1), got ${upperTail}`);
  if (!(df > 0)) throw new Error(`df must be positive, got ${df}`);
  let lo = 0;
  let hi = Math.max(1, df);
  while (chiSquareSurvival(hi, df) > upperTail) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareSurvival(mid, df) > upperTail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
