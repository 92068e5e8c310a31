/**
 * "This endpoint was never reached" as a test: under an even spread over k endpoints, the chance
 * that n requests all miss one given endpoint is ((k - 1) / k)^n. That is the p-value of a zero
 * count; any other count is no evidence against reach (p = 1).
 */
export function reachPValue(count: number, n: number, k: number): number {
  if (count > 0 || k < 2) return 1;
  return ((k - 1) / k) ** n;
}

/** Smallest n at which a zero count is significant at `level`: ((k - 1) / k)^n <= level. */
export function minRequestsForReach(k: number, level: number): number {
  if (k < 2) return 0;
  return Math.max(1, Math.ceil(Math.log(level) / Math.log((k - 1) / k) - 1e-9));
}
