/**
 * Holm step-down adjusted p-values, in the input order.
 * Sorted ascending p_(1) <= ... <= p_(m): adj_(i) = max over j <= i of min(1, (m - j + 1) * p_(j)).
 * Rejecting every hypothesis with adj <= alpha keeps the family-wise error rate <= alpha.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
