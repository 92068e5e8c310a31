import type binomialFn from '@stdlib/random-base-binomial';
import { lazyRequire } from '../util/lazy-require.js';

const binomial = lazyRequire<typeof binomialFn>('@stdlib/random-base-binomial');

export type MultinomialSampler = (n: number, shares: readonly number[]) => number[];

/**
 * A seeded multinomial sampler, for reproducible simulations: each category's count is drawn
 * from the binomial of what is left (k draws instead of n).
 */
export function multinomialSampler(seed: number): MultinomialSampler {
  const draw = binomial().factory({ seed });
  return (n, shares) => {
    const counts: number[] = [];
    let left = n;
    let mass = shares.reduce((a, b) => a + b, 0);
    shares.forEach((p, i) => {
      const c = i === shares.length - 1 || mass <= 0 ? left : draw(left, Math.min(1, Math.max(0, p / mass)));
      counts.push(c);
      left -= c;
      mass -= p;
    });
    return counts;
  };
}
