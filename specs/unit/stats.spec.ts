import { test, expect } from '@playwright/test';
import { evaluateBalance } from '../../harness/stats/balance.js';
import { balanceInputsFor } from '../../harness/stats/balance-inputs.js';
import type { BalanceInput } from '../../harness/stats/balance-types.js';
import { chiSquareSurvival, chiSquareUniform } from '../../harness/stats/chi-square.js';
import { chiSquareCriticalValue } from '../../harness/stats/chi-square-quantile.js';
import { DEFAULT_REQUESTS_PER_NODE, DESIGN_ENDPOINTS, DESIGN_NODES, FAMILY_ALPHA, MATERIAL_DEVIATION } from '../../harness/stats/defaults.js';
import { holmAdjust } from '../../harness/stats/holm.js';
import { noncentralChiSquareCdf } from '../../harness/stats/noncentral-chi-square.js';
import { chiSquarePower, leastFavourableMaterialShares, requiredRequestsPerNode } from '../../harness/stats/power.js';
import { missChanceBound, minRequestsForReach } from '../../harness/stats/reach.js';
import { mulberry32, sampleMultinomial } from '../../harness/stats/simulation.js';
import { recommendedRequestsPerNode } from '../../harness/stats/sizing.js';

const PODS = ['pod-a', 'pod-b', 'pod-c'];

function inputs(countsPerNode: number[][], pods = PODS): BalanceInput[] {
  return countsPerNode.map((counts, i) => ({
    node: `node-${i}`,
    counts: Object.fromEntries(pods.map((p, j) => [p, counts[j] ?? 0])),
    expectedEndpoints: pods,
  }));
}

const threeSigma = (p: number, runs: number): number => 3 * Math.sqrt((p * (1 - p)) / runs);

test.describe('chi-square', () => {
  test('perfectly even counts give 0 and p = 1', () => {
    expect(chiSquareUniform([10, 10, 10])).toEqual({ chiSquare: 0, df: 2, pValue: 1 });
  });

  test('textbook fair-die example: 60 rolls 5,8,9,8,10,20 give 13.4, df 5, p = 0.0199', () => {
    const r = chiSquareUniform([5, 8, 9, 8, 10, 20]);
    expect(r.chiSquare).toBeCloseTo(13.4, 10);
    expect(r.df).toBe(5);
    expect(r.pValue).toBeCloseTo(0.0199, 4);
  });

  test('df = 2 survival is exp(-x/2)', () => {
    for (const x of [0.5, 3, 13.8, 30]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12);
  });

  test('critical values match the tables', () => {
    expect(chiSquareCriticalValue(0.05, 1)).toBeCloseTo(3.841, 3);
    expect(chiSquareCriticalValue(0.05, 2)).toBeCloseTo(5.991, 3);
    expect(chiSquareCriticalValue(0.05, 5)).toBeCloseTo(11.070, 3);
    expect(chiSquareCriticalValue(0.001, 2)).toBeCloseTo(13.816, 3);
    expect(chiSquareCriticalValue(0.001 / 4, 2)).toBeCloseTo(-2 * Math.log(0.001 / 4), 6);
  });

  test('noncentral CDF: lambda 0 is the central CDF, and mean df + lambda sits near the middle', () => {
    expect(noncentralChiSquareCdf(5, 3, 0)).toBeCloseTo(1 - chiSquareSurvival(5, 3), 12);
    const mid = noncentralChiSquareCdf(2 + 40, 2, 40);
    expect(mid).toBeGreaterThan(0.45);
    expect(mid).toBeLessThan(0.6);
    // Large lambda must not underflow the Poisson weights.
    expect(noncentralChiSquareCdf(3000, 2, 2000)).toBeCloseTo(1, 6);
  });
});

test.describe('Holm', () => {
  test('hand-worked: p = .01, .04, .03, .005 (m = 4)', () => {
    // sorted: .005*4 = .02; .01*3 = .03; .03*2 = .06; .04*1 = .04 -> running max .06
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 12));
    expect(adjusted.map((p) => p <= 0.05)).toEqual([true, false, false, true]);
  });

  test('caps at 1 and handles ties and the empty family', () => {
    expect(holmAdjust([0.5, 0.5, 0.9])).toEqual([1, 1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });
});

test.describe('power and sizing', () => {
  const anchors: Array<{ label: string; shares: number[]; p90: number; p99: number }> = [
    { label: '2x (.5/.25/.25)', shares: [0.5, 0.25, 0.25], p90: 221, p99: 318 },
    { label: 'half (.2/.4/.4)', shares: [0.2, 0.4, 0.4], p90: 344, p99: 497 },
    { label: '1.5x', shares: [3 / 7, 2 / 7, 2 / 7], p90: 675, p99: 973 },
    { label: 'one missing', shares: [0, 0.5, 0.5], p90: 56, p99: 80 },
  ];
  for (const a of anchors) {
    test(`reproduces the research numbers for ${a.label}: ${a.p90} / ${a.p99}`, () => {
      const n90 = requiredRequestsPerNode({ shares: a.shares, nodes: 4, familyAlpha: 0.001, power: 0.9 });
      const n99 = requiredRequestsPerNode({ shares: a.shares, nodes: 4, familyAlpha: 0.001, power: 0.99 });
      expect(Math.abs(n90 - a.p90) / a.p90).toBeLessThan(0.03);
      expect(Math.abs(n99 - a.p99) / a.p99).toBeLessThan(0.03);
    });
  }

  test('the result is the smallest n reaching the target power', () => {
    const n = requiredRequestsPerNode();
    const level = FAMILY_ALPHA / 4;
    expect(chiSquarePower(n, [0.5, 0.25, 0.25], level)).toBeGreaterThanOrEqual(0.99);
    expect(chiSquarePower(n - 1, [0.5, 0.25, 0.25], level)).toBeLessThan(0.99);
  });

  test('DEFAULT_REQUESTS_PER_NODE catches 2:1:1 and the smallest material skew, 3 or 4 nodes', () => {
    expect(recommendedRequestsPerNode(DESIGN_ENDPOINTS, DESIGN_NODES).requestsPerNode).toBe(DEFAULT_REQUESTS_PER_NODE);
    for (const nodes of [3, 4]) {
      const level = FAMILY_ALPHA / nodes;
      expect(chiSquarePower(DEFAULT_REQUESTS_PER_NODE, [0.5, 0.25, 0.25], level)).toBeGreaterThanOrEqual(0.99);
      expect(chiSquarePower(DEFAULT_REQUESTS_PER_NODE, leastFavourableMaterialShares(3, MATERIAL_DEVIATION), level)).toBeGreaterThanOrEqual(0.99);
      expect(DEFAULT_REQUESTS_PER_NODE).toBeGreaterThanOrEqual(minRequestsForReach(3, nodes));
    }
  });

  test('the least favourable material skew is off by exactly the bound and sums to 1', () => {
    const shares = leastFavourableMaterialShares(3, 0.1);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.max(...shares.map((p) => Math.abs(p - 1 / 3)))).toBeCloseTo(0.1, 12);
  });

  test('a uniform "alternative" cannot be sized', () => {
    expect(() => requiredRequestsPerNode({ shares: [0.5, 0.5] })).toThrow(/uniform/);
  });
});

test.describe('every endpoint reached', () => {
  test('chance of missing one by luck, k = 3, 4 nodes: below 0.001 from n = 24', () => {
    expect(minRequestsForReach(3, 4)).toBe(24);
    expect(missChanceBound(24, 3, 4)).toBeLessThan(0.001);
    expect(missChanceBound(23, 3, 4)).toBeGreaterThanOrEqual(0.001);
    expect(minRequestsForReach(3, 3)).toBe(23);
    expect(missChanceBound(DEFAULT_REQUESTS_PER_NODE, 3, 4)).toBeLessThan(1e-100);
  });
});

test.describe('balance verdict', () => {
  test('even traffic passes on every node and pooled', () => {
    const v = evaluateBalance(inputs([[300, 300, 300], [310, 295, 295], [290, 305, 305]]));
    expect(v.nodes.map((n) => n.verdict)).toEqual(['pass', 'pass', 'pass']);
    expect(v.pooled).toMatchObject({ verdict: 'pass', n: 2700, k: 3, reason: null });
    expect(v.familyAlpha).toBe(FAMILY_ALPHA);
    expect(v.materialDeviation).toBe(MATERIAL_DEVIATION);
  });

  test('a 2:1:1 node fails; the others pass', () => {
    const v = evaluateBalance(inputs([[300, 300, 300], [450, 225, 225], [300, 300, 300]]));
    const bad = v.nodes[1]!;
    expect(bad).toMatchObject({ node: 'node-1', n: 900, k: 3, df: 2, significant: true, material: true, verdict: 'fail' });
    expect(bad.maxDeviation).toBeCloseTo(1 / 6, 10);
    expect(bad.adjustedPValue).toBeCloseTo(Math.min(1, 3 * bad.pValue), 12);
    expect(v.nodes[0]!.verdict).toBe('pass');
  });

  test('significant but immaterial passes (big n, tiny skew)', () => {
    const v = evaluateBalance(inputs([[35_000, 32_500, 32_500]]));
    expect(v.nodes[0]).toMatchObject({ significant: true, material: false, verdict: 'pass' });
  });

  test('material but not significant passes (tiny n)', () => {
    const v = evaluateBalance(inputs([[3, 1, 1]]));
    expect(v.nodes[0]).toMatchObject({ significant: false, material: true, verdict: 'pass' });
  });

  test('missing endpoints and unexpected pods are reported', () => {
    const [input] = inputs([[500, 400, 0]]);
    input!.counts['stranger'] = 7;
    const node = evaluateBalance([input!]).nodes[0]!;
    expect(node.missingEndpoints).toEqual(['pod-c']);
    expect(node.unexpected).toEqual({ stranger: 7 });
    expect(node.n).toBe(900);
    expect(node.verdict).toBe('fail');
  });

  test('a node with no responses or a single endpoint is skipped and left out of the family', () => {
    const v = evaluateBalance([
      ...inputs([[0, 0, 0], [450, 225, 225]]),
      { node: 'solo', counts: { 'pod-a': 50 }, expectedEndpoints: ['pod-a'] },
    ]);
    expect(v.nodes.map((n) => n.verdict)).toEqual(['skip', 'fail', 'skip']);
    expect(v.nodes[1]!.adjustedPValue).toBe(v.nodes[1]!.pValue);
    expect(v.pooled.nodes).toEqual(['node-1']);
  });

  test('counts must be non-negative integers', () => {
    expect(() => evaluateBalance(inputs([[10, -1, 5]]))).toThrow(RangeError);
    expect(() => evaluateBalance(inputs([[10, 2.5, 5]]))).toThrow(RangeError);
  });

  test('balance inputs: Cluster expects every endpoint, Local only the node\'s own', () => {
    const endpoints = [
      { pod: 'a', ip: '10.0.0.1', node: 'n1' },
      { pod: 'b', ip: '10.0.0.2', node: 'n2' },
    ];
    const matrix = { n1: { a: 3, b: 4 } };
    expect(balanceInputsFor([{ name: 'n1' }, { name: 'n2' }], endpoints, matrix)).toEqual([
      { node: 'n1', counts: { a: 3, b: 4 }, expectedEndpoints: ['a', 'b'] },
      { node: 'n2', counts: {}, expectedEndpoints: ['a', 'b'] },
    ]);
    expect(balanceInputsFor([{ name: 'n1' }], endpoints, matrix, 'Local')[0]!.expectedEndpoints).toEqual(['a']);
  });

  test('pooled test is skipped when nodes expect different endpoint sets', () => {
    const v = evaluateBalance([
      { node: 'n1', counts: { a: 50, b: 50 }, expectedEndpoints: ['a', 'b'] },
      { node: 'n2', counts: { c: 50, d: 50 }, expectedEndpoints: ['c', 'd'] },
    ]);
    expect(v.pooled.verdict).toBe('skip');
    expect(v.pooled.reason).toMatch(/different endpoint sets/);
  });
});

test.describe('simulation', () => {
  test('the sampler is seeded and unbiased enough', () => {
    expect(mulberry32(42)()).toBe(mulberry32(42)());
    const counts = sampleMultinomial(30_000, [0.5, 0.25, 0.25], mulberry32(1));
    expect(counts[0]! / 30_000).toBeCloseTo(0.5, 1);
  });

  test('false-positive rate under uniform traffic, 3 nodes x 3 endpoints at the default n', () => {
    const runs = 3000;
    const random = mulberry32(20240601);
    const uniform = [1 / 3, 1 / 3, 1 / 3];
    let rejectedAt001 = 0;
    let rejectedAt05 = 0;
    let failed = 0;
    for (let r = 0; r < runs; r++) {
      const counts = [0, 1, 2].map(() => sampleMultinomial(DEFAULT_REQUESTS_PER_NODE, uniform, random));
      const strict = evaluateBalance(inputs(counts));
      if (strict.nodes.some((n) => n.significant)) rejectedAt001++;
      if (strict.nodes.some((n) => n.verdict === 'fail') || strict.pooled.verdict === 'fail') failed++;
      if (evaluateBalance(inputs(counts), { familyAlpha: 0.05 }).nodes.some((n) => n.significant)) rejectedAt05++;
    }
    expect(rejectedAt001 / runs).toBeLessThanOrEqual(0.001 + threeSigma(0.001, runs));
    expect(failed / runs).toBeLessThanOrEqual(0.001 + threeSigma(0.001, runs));
    // At a looser alpha the rate is measurable: near nominal, not far below it.
    expect(rejectedAt05 / runs).toBeLessThanOrEqual(0.05 + threeSigma(0.05, runs));
    expect(rejectedAt05 / runs).toBeGreaterThanOrEqual(0.05 - threeSigma(0.05, runs));
  });

  test('power for a 2:1:1 node among 4, at the computed n and at the default n', () => {
    const runs = 1000;
    const random = mulberry32(7);
    const uniform = [1 / 3, 1 / 3, 1 / 3];
    const skew = [0.5, 0.25, 0.25];
    const n99 = requiredRequestsPerNode({ shares: skew, nodes: 4 });
    let caughtAtN99 = 0;
    let failedAtDefault = 0;
    for (let r = 0; r < runs; r++) {
      const at = (n: number): number[][] => [sampleMultinomial(n, skew, random), ...[1, 2, 3].map(() => sampleMultinomial(n, uniform, random))];
      if (evaluateBalance(inputs(at(n99))).nodes[0]!.significant) caughtAtN99++;
      if (evaluateBalance(inputs(at(DEFAULT_REQUESTS_PER_NODE))).nodes[0]!.verdict === 'fail') failedAtDefault++;
    }
    expect(caughtAtN99 / runs).toBeGreaterThanOrEqual(0.99 - threeSigma(0.99, runs));
    expect(failedAtDefault / runs).toBeGreaterThanOrEqual(0.99);
  });
});
