/**
 * Upper bound (union bound) on the chance that some endpoint gets no request on some node
 * by luck alone, when each of `nodes` nodes sends n requests uniformly over k endpoints:
 * P <= nodes * k * ((k - 1) / k)^n.
 */
export function missChanceBound(n: number, k: number, nodes: number): number {
  if (k < 2) return 0;
  return Math.min(1, nodes * k * ((k - 1) / k) ** n);
}

/** Smallest n per node at which missChanceBound(n, k, nodes) < bound. */
export function minRequestsForReach(k: number, nodes: number, bound = 0.001): number {
  if (k < 2) return 1;
  return Math.max(1, Math.floor(Math.log(bound / (nodes * k)) / Math.log((k - 1) / k)) + 1);
}
