import { chiSquareCdf } from './chi-square.js';

const WEIGHT_CUTOFF = 1e-16;

function logFactorial(m: number): number {
  let s = 0;
  for (let i = 2; i <= m; i++) s += Math.log(i);
  return s;
}

/**
 * CDF of the noncentral chi-square distribution as a Poisson mixture of central ones:
 * P(X <= x) = sum_j Pois(j; lambda/2) * F(x; df + 2j).
 * Summation starts at the Poisson mode and walks outwards, so large lambda does not
 * underflow the first weight.
 */
export function noncentralChiSquareCdf(x: number, df: number, lambda: number): number {
  if (x <= 0) return 0;
  if (lambda < 0) throw new Error(`noncentrality must be >= 0, got ${lambda}`);
  if (lambda === 0) return chiSquareCdf(x, df);
  const half = lambda / 2;
  const mode = Math.floor(half);
  const modeWeight = Math.exp(-half + mode * Math.log(half) - logFactorial(mode));
  let total = modeWeight * chiSquareCdf(x, df + 2 * mode);
  let weight = modeWeight;
  for (let j = mode + 1; ; j++) {
    weight *= half / j;
    if (weight < WEIGHT_CUTOFF) break;
    total += weight * chiSquareCdf(x, df + 2 * j);
  }
  weight = modeWeight;
  for (let j = mode - 1; j >= 0; j--) {
    weight *= (j + 1) / half;
    if (weight < WEIGHT_CUTOFF) break;
    total += weight * chiSquareCdf(x, df + 2 * j);
  }
  return Math.min(1, total);
}
