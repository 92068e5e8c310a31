import padjust from '@stdlib/stats-padjust';
import { test, expect } from '@playwright/test';
import { evaluateBalance } from '../../harness/stats/balance.js';
import { balanceInputsFor } from '../../harness/stats/balance-inputs.js';
import type { BalanceInput } from '../../harness/stats/balance-types.js';
import { chiSquareCriticalValue, chiSquareSurvival, chiSquareUniform } from '../../harness/stats/chi-square.js';
import { FAMILY_ALPHA, MATERIAL_RELATIVE_DEVIATION, TARGET_POWER } from '../../harness/stats/defaults.js';
import { noncentralChiSquareCdf } from '../../harness/stats/noncentral-chi-square.js';
import { chiSquarePower, detectableRelativeDeviation, leastFavourableShares, requiredRequests } from '../../harness/stats/power.js';
import { minRequestsForReach, reachPValue } from '../../harness/stats/reach.js';
import { multinomialSampler } from '../../harness/stats/simulation.js';
import { familySize, sizeRun } from '../../harness/stats/sizing.js';

const PODS = ['pod-a', 'pod-b', 'pod-c'];
const podNames = (k: number): string[] => Array.from({ length: k }, (_, i) => `pod-${i}`);

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

  test('critical values match the tables, down to the smallest test levels used', () => {
    expect(chiSquareCriticalValue(0.05, 1)).toBeCloseTo(3.841, 3);
    expect(chiSquareCriticalValue(0.05, 2)).toBeCloseTo(5.991, 3);
    expect(chiSquareCriticalValue(0.05, 5)).toBeCloseTo(11.07, 3);
    expect(chiSquareCriticalValue(0.001, 2)).toBeCloseTo(13.816, 3);
    // df = 2: the upper-tail quantile is -2 ln(level) exactly; 3.2e-7 is the level of 100 nodes x 30 endpoints.
    for (const level of [0.001 / 4, 0.001 / 13, 0.001 / 3101]) expect(chiSquareCriticalValue(level, 2)).toBeCloseTo(-2 * Math.log(level), 6);
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

test.describe('power', () => {
  // Research figures (anchors.md): k = 3, 4 nodes, every test at 0.001 / 4.
  const anchors: Array<{ label: string; shares: number[]; p90: number; p99: number }> = [
    { label: '2x (.5/.25/.25)', shares: [0.5, 0.25, 0.25], p90: 221, p99: 318 },
    { label: 'half (.2/.4/.4)', shares: [0.2, 0.4, 0.4], p90: 344, p99: 497 },
    { label: '1.5x', shares: [3 / 7, 2 / 7, 2 / 7], p90: 675, p99: 973 },
    { label: 'one missing', shares: [0, 0.5, 0.5], p90: 56, p99: 80 },
  ];
  for (const a of anchors) {
    test(`reproduces the research numbers for ${a.label}: ${a.p90} / ${a.p99}`, () => {
      const n90 = requiredRequests({ shares: a.shares, level: 0.001 / 4, power: 0.9 });
      const n99 = requiredRequests({ shares: a.shares, level: 0.001 / 4, power: 0.99 });
      expect(Math.abs(n90 - a.p90) / a.p90).toBeLessThan(0.03);
      expect(Math.abs(n99 - a.p99) / a.p99).toBeLessThan(0.03);
    });
  }

  test('the result is the smallest n reaching the target power', () => {
    const target = { shares: [0.5, 0.25, 0.25], level: 0.001 / 4, power: 0.99 };
    const n = requiredRequests(target);
    expect(chiSquarePower(n, target.shares, target.level)).toBeGreaterThanOrEqual(0.99);
    expect(chiSquarePower(n - 1, target.shares, target.level)).toBeLessThan(0.99);
  });

  test('the least favourable material skew is off by exactly the bound, relative to 1/k, and sums to 1', () => {
    for (const k of [2, 3, 10, 30]) {
      const shares = leastFavourableShares(k, MATERIAL_RELATIVE_DEVIATION);
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(Math.max(...shares.map((p) => Math.abs(p * k - 1)))).toBeCloseTo(MATERIAL_RELATIVE_DEVIATION, 12);
    }
  });

  test('a uniform "alternative" cannot be sized', () => {
    expect(() => requiredRequests({ shares: [0.5, 0.5], level: 0.001, power: 0.99 })).toThrow(/uniform/);
  });

  test('the detectable deviation: the material bound at the minimum n, larger below it, infinite with no answers', () => {
    const sizing = sizeRun({ endpoints: 3, nodes: 3 });
    expect(detectableRelativeDeviation(sizing.forBalance, 3, sizing.testLevel, TARGET_POWER)).toBeLessThanOrEqual(MATERIAL_RELATIVE_DEVIATION + 1e-4);
    expect(detectableRelativeDeviation(Math.round(sizing.forBalance * 0.8), 3, sizing.testLevel, TARGET_POWER)).toBeGreaterThan(MATERIAL_RELATIVE_DEVIATION);
    expect(detectableRelativeDeviation(0, 3, sizing.testLevel, TARGET_POWER)).toBe(Number.POSITIVE_INFINITY);
  });
});

test.describe('sizing', () => {
  // Pinned: requests per node below which a run is refused (family alpha 0.001, power 0.99, material 30% of 1/k).
  const MINIMUM: Record<number, Record<number, number>> = {
    2: { 1: 389, 3: 430, 10: 468, 100: 541 },
    3: { 1: 883, 3: 964, 10: 1042, 100: 1193 },
    5: { 1: 2052, 3: 2218, 10: 2382, 100: 2693 },
    10: { 1: 5700, 3: 6091, 10: 6490, 100: 7238 },
    30: { 1: 26515, 3: 27975, 10: 29500, 100: 32314 },
  };
  for (const [k, byNodes] of Object.entries(MINIMUM)) {
    test(`k = ${k}: minimum requests per node for 1, 3, 10 and 100 nodes`, () => {
      for (const [nodes, minimum] of Object.entries(byNodes)) {
        const sizing = sizeRun({ endpoints: Number(k), nodes: Number(nodes) });
        expect(sizing.minimum, `${nodes} nodes`).toBe(minimum);
        expect(sizing.forReach).toBeLessThan(sizing.forBalance);
        expect(sizing.recommended % 100).toBe(0);
        expect(sizing.recommended).toBeGreaterThanOrEqual(minimum);
        expect(sizing.recommended - minimum).toBeLessThan(100);
      }
    });
  }

  test('the default shape (3 nodes, 3 endpoints): 13 tests, minimum 964, recommended 1000', () => {
    const sizing = sizeRun({ endpoints: 3, nodes: 3 });
    expect(sizing).toMatchObject({ hypotheses: 13, minimum: 964, recommended: 1000, forReach: 24 });
    expect(sizing.testLevel).toBeCloseTo(FAMILY_ALPHA / 13, 15);
    expect(chiSquarePower(sizing.minimum, leastFavourableShares(3, MATERIAL_RELATIVE_DEVIATION), sizing.testLevel)).toBeGreaterThanOrEqual(TARGET_POWER);
    expect(chiSquarePower(sizing.minimum - 1, leastFavourableShares(3, MATERIAL_RELATIVE_DEVIATION), sizing.testLevel)).toBeLessThan(TARGET_POWER);
    // At the minimum a missed endpoint is beyond luck even at Holm's strictest step.
    expect(reachPValue(0, sizing.minimum, 3)).toBeLessThanOrEqual(sizing.testLevel);
  });

  test('the family: reach per node and endpoint, balance per node, one pooled test; none for a single endpoint', () => {
    expect(familySize({ endpoints: 3, nodes: 3 })).toBe(13);
    expect(familySize({ endpoints: 3, nodes: 1 })).toBe(4);
    expect(familySize({ endpoints: 30, nodes: 100 })).toBe(3101);
    expect(familySize({ endpoints: 1, nodes: 5 })).toBe(0);
    expect(sizeRun({ endpoints: 1, nodes: 5 })).toMatchObject({ minimum: 1, recommended: 100 });
  });

  test('reach: a zero count is significant from ((k-1)/k)^n <= level on', () => {
    expect(minRequestsForReach(3, 0.001 / 13)).toBe(24);
    expect(reachPValue(0, 24, 3)).toBeLessThanOrEqual(0.001 / 13);
    expect(reachPValue(0, 23, 3)).toBeGreaterThan(0.001 / 13);
    expect(reachPValue(5, 24, 3)).toBe(1);
  });
});

test.describe('balance verdict', () => {
  test('even traffic passes on every node, every reach test and pooled', () => {
    const v = evaluateBalance(inputs([[300, 300, 300], [310, 295, 295], [290, 305, 305]]));
    expect(v.nodes.map((n) => n.verdict)).toEqual(['pass', 'pass', 'pass']);
    expect(v.nodes.flatMap((n) => n.reach.map((r) => r.verdict))).toEqual(new Array(9).fill('pass'));
    expect(v.pooled).toMatchObject({ verdict: 'pass', n: 2700, k: 3 });
    expect(v).toMatchObject({ familyAlpha: FAMILY_ALPHA, materialRelative: MATERIAL_RELATIVE_DEVIATION, hypotheses: 13 });
  });

  test('one family: every p-value is Holm-adjusted together (reach, then per node, then pooled)', () => {
    const v = evaluateBalance(inputs([[300, 300, 300], [450, 225, 225], [0, 450, 450]]));
    const raw = [...v.nodes.flatMap((n) => n.reach.map((r) => r.pValue)), ...v.nodes.map((n) => n.pValue), v.pooled!.pValue];
    const adjusted = [...v.nodes.flatMap((n) => n.reach.map((r) => r.adjustedPValue)), ...v.nodes.map((n) => n.adjustedPValue), v.pooled!.adjustedPValue];
    expect(adjusted).toEqual(padjust(raw, 'holm'));
  });

  test('hand-worked Holm through the verdict: m = 4 balance p-values', () => {
    // sorted: .005*4 = .02; .01*3 = .03; .03*2 = .06; .04*1 = .04 -> running max .06
    expect(padjust([0.01, 0.04, 0.03, 0.005], 'holm').map((p) => Number(p.toFixed(12)))).toEqual([0.03, 0.06, 0.06, 0.02]);
  });

  test('a 2:1:1 node fails; the others pass', () => {
    const v = evaluateBalance(inputs([[300, 300, 300], [450, 225, 225], [300, 300, 300]]));
    const bad = v.nodes[1]!;
    expect(bad).toMatchObject({ node: 'node-1', n: 900, k: 3, df: 2, significant: true, material: true, verdict: 'fail' });
    expect(bad.maxDeviation).toBeCloseTo(1 / 6, 10);
    expect(bad.maxRelativeDeviation).toBeCloseTo(0.5, 10);
    expect(v.nodes[0]!.verdict).toBe('pass');
  });

  test('materiality is relative to the fair share: an endpoint at 2% of 10 fails, 8.5% passes', () => {
    const ten = podNames(10);
    const starved = [120, ...new Array<number>(9).fill(653)]; // 2.0% instead of 10%
    const mild = [510, ...new Array<number>(9).fill(610)]; // 8.5%: 15% off its share
    expect(evaluateBalance(inputs([starved], ten)).nodes[0]).toMatchObject({ significant: true, material: true, verdict: 'fail' });
    expect(evaluateBalance(inputs([mild], ten)).nodes[0]).toMatchObject({ material: false, verdict: 'pass' });
  });

  test('significant but immaterial passes (big n, tiny skew)', () => {
    const v = evaluateBalance(inputs([[35_000, 32_500, 32_500]]));
    expect(v.nodes[0]).toMatchObject({ significant: true, material: false, verdict: 'pass' });
  });

  test('material but not significant passes (tiny n)', () => {
    const v = evaluateBalance(inputs([[3, 1, 1]]));
    expect(v.nodes[0]).toMatchObject({ significant: false, material: true, verdict: 'pass' });
  });

  test('a missing endpoint fails reach beyond luck; unexpected pods are reported apart', () => {
    const [input] = inputs([[500, 400, 0]]);
    input!.counts['stranger'] = 7;
    const node = evaluateBalance([input!]).nodes[0]!;
    expect(node.reach.find((r) => r.endpoint === 'pod-c')).toMatchObject({ count: 0, verdict: 'fail' });
    expect(node.unexpected).toEqual({ stranger: 7 });
    expect(node.n).toBe(900);
    expect(node.verdict).toBe('fail');
  });

  test('too few answers: a zero count is a skip, never a pass', () => {
    const node = evaluateBalance(inputs([[5, 5, 0]])).nodes[0]!;
    expect(node.reach.find((r) => r.endpoint === 'pod-c')!.verdict).toBe('skip');
  });

  test('a node with no answers is skipped; a single endpoint has no tests; no pooled test for one node', () => {
    const v = evaluateBalance([...inputs([[0, 0, 0]]), { node: 'solo', counts: { 'pod-a': 50 }, expectedEndpoints: ['pod-a'] }]);
    expect(v.nodes.map((n) => n.verdict)).toEqual(['skip', 'skip']);
    expect(v.nodes[1]!.reach).toEqual([]);
    expect(v.pooled).toBeNull();
  });

  test('counts must be non-negative integers', () => {
    expect(() => evaluateBalance(inputs([[10, -1, 5]]))).toThrow(RangeError);
    expect(() => evaluateBalance(inputs([[10, 2.5, 5]]))).toThrow(RangeError);
  });

  test("balance inputs: Cluster expects every endpoint, Local only the node's own", () => {
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

  test('no pooled test when nodes expect different endpoint sets', () => {
    const v = evaluateBalance([
      { node: 'n1', counts: { a: 50, b: 50 }, expectedEndpoints: ['a', 'b'] },
      { node: 'n2', counts: { c: 50, d: 50 }, expectedEndpoints: ['c', 'd'] },
    ]);
    expect(v.pooled).toBeNull();
    expect(v.hypotheses).toBe(6);
  });

  test('the verdict states the smallest deviation the run detects with 99% power', () => {
    const v = evaluateBalance(inputs([[334, 333, 333], [333, 334, 333], [333, 333, 334]]));
    expect(v.detectableRelativeDeviation).toBeGreaterThan(0.25);
    expect(v.detectableRelativeDeviation).toBeLessThan(MATERIAL_RELATIVE_DEVIATION);
  });
});

test.describe('simulation', () => {
  test('the sampler is seeded and unbiased enough', () => {
    expect(multinomialSampler(42)(900, [1 / 3, 1 / 3, 1 / 3])).toEqual(multinomialSampler(42)(900, [1 / 3, 1 / 3, 1 / 3]));
    const counts = multinomialSampler(1)(30_000, [0.5, 0.25, 0.25]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30_000);
    expect(counts[0]! / 30_000).toBeCloseTo(0.5, 1);
  });

  // Every shape pinned above, at its minimum: uniform traffic must raise no alarm in the family
  // (any reach, node or pooled test significant) more often than 0.001, and never fail a run.
  test('false-alarm rate of the whole family at most 0.001, k = 2, 3, 5, 10, 30 x 1, 3, 10, 100 nodes', () => {
    test.setTimeout(120_000);
    const sample = multinomialSampler(20261130);
    let allRuns = 0;
    let allAlarms = 0;
    for (const k of [2, 3, 5, 10, 30]) {
      for (const nodes of [1, 3, 10, 100]) {
        const n = sizeRun({ endpoints: k, nodes }).minimum;
        const pods = podNames(k);
        const uniform = pods.map(() => 1 / k);
        const runs = Math.max(100, Math.round(4000 / nodes));
        let alarms = 0;
        let failed = 0;
        for (let r = 0; r < runs; r++) {
          const v = evaluateBalance(inputs(Array.from({ length: nodes }, () => sample(n, uniform)), pods), { withoutPowerFigures: true });
          if (v.nodes.some((x) => x.significant || x.reach.some((t) => t.verdict !== 'pass')) || v.pooled?.significant) alarms++;
          if (v.nodes.some((x) => x.verdict === 'fail' || x.reach.some((t) => t.verdict === 'fail')) || v.pooled?.verdict === 'fail') failed++;
        }
        expect(alarms / runs, `k = ${k}, ${nodes} nodes`).toBeLessThanOrEqual(FAMILY_ALPHA + threeSigma(FAMILY_ALPHA, runs));
        expect(failed, `k = ${k}, ${nodes} nodes: runs failed`).toBe(0);
        allRuns += runs;
        allAlarms += alarms;
      }
    }
    expect(allAlarms / allRuns).toBeLessThanOrEqual(FAMILY_ALPHA + threeSigma(FAMILY_ALPHA, allRuns));
  });

  test('the family is not dead: at alpha 0.05 the rate is near 0.05, 3 nodes x 3 endpoints', () => {
    const sample = multinomialSampler(20240601);
    const runs = 3000;
    let rejected = 0;
    for (let r = 0; r < runs; r++) {
      const v = evaluateBalance(inputs([0, 1, 2].map(() => sample(1000, [1 / 3, 1 / 3, 1 / 3]))), { familyAlpha: 0.05, withoutPowerFigures: true });
      if (v.nodes.some((n) => n.significant) || v.pooled?.significant) rejected++;
    }
    // Under even traffic the 9 reach tests have p = 1, so Holm's first step tests the 4 balance
    // tests at 0.05 / 13: the three independent node tests alone then alarm in 1 - (1 - 0.05/13)^3
    // of runs. The family is that conservative by design (sizing assumes that level), but alive.
    const floor = 1 - (1 - 0.05 / 13) ** 3;
    expect(rejected / runs).toBeLessThanOrEqual(0.05 + threeSigma(0.05, runs));
    expect(rejected / runs).toBeGreaterThanOrEqual(floor - threeSigma(floor, runs));
  });

  test('power: one node at 2:1:1 among 3 fails in >= 99% of runs at the recommended n; the least favourable material skew is caught (significant) in >= 99% - 3 sigma', () => {
    const sample = multinomialSampler(7);
    const runs = 1000;
    const sizing = sizeRun({ endpoints: 3, nodes: 3 });
    const uniform = [1 / 3, 1 / 3, 1 / 3];
    const leastFavourable = leastFavourableShares(3, MATERIAL_RELATIVE_DEVIATION);
    let failed211 = 0;
    let caught = 0;
    for (let r = 0; r < runs; r++) {
      const at = (shares: number[], n: number): number[][] => [sample(n, shares), sample(n, uniform), sample(n, uniform)];
      if (evaluateBalance(inputs(at([0.5, 0.25, 0.25], sizing.recommended)), { withoutPowerFigures: true }).nodes[0]!.verdict === 'fail') failed211++;
      if (evaluateBalance(inputs(at(leastFavourable, sizing.minimum)), { withoutPowerFigures: true }).nodes[0]!.significant) caught++;
    }
    expect(failed211 / runs).toBeGreaterThanOrEqual(0.99);
    expect(caught / runs).toBeGreaterThanOrEqual(0.99 - threeSigma(0.99, runs));
  });
});
