export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** p-values: fixed for ordinary ones, exponent for tiny ones, "< 1e-16" where 1 - cdf ran out of precision. */
export function pValue(p: number): string {
  if (p === 0) return '< 1e-16';
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(1);
}

export function decimal(x: number, digits = 2): string {
  return x.toFixed(digits);
}

/** "p = 0.717" or "p < 1e-16", for sentences. */
export function pClause(p: number): string {
  return p === 0 ? 'p < 1e-16' : `p = ${pValue(p)}`;
}
