/** Small seeded PRNG (mulberry32) for reproducible simulations; not for anything security related. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws n categorical samples with the given shares and returns the count per category. */
export function sampleMultinomial(n: number, shares: readonly number[], random: () => number): number[] {
  const cumulative: number[] = [];
  let acc = 0;
  for (const p of shares) cumulative.push((acc += p));
  const counts = new Array<number>(shares.length).fill(0);
  for (let i = 0; i < n; i++) {
    const u = random() * acc;
    let c = 0;
    while (c < cumulative.length - 1 && u >= (cumulative[c] as number)) c++;
    counts[c] = (counts[c] as number) + 1;
  }
  return counts;
}
