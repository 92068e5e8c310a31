import { FAMILY_ALPHA, MATERIAL_RELATIVE_DEVIATION, REQUESTS_ROUNDING, TARGET_POWER } from './defaults.js';
import { leastFavourableShares, requiredRequests } from './power.js';
import { minRequestsForReach } from './reach.js';

/** What a traffic measurement looks like: `nodes` sources (nodes or client pods), each spreading over `endpoints`. */
export interface RunShape {
  endpoints: number;
  nodes: number;
}

export interface StatisticalOptions {
  familyAlpha?: number;
  materialRelative?: number;
  power?: number;
}

export interface Sizing {
  shape: RunShape;
  familyAlpha: number;
  /** Tests in the run's one family: a reach test per node and endpoint, a balance test per node, the pooled test. */
  hypotheses: number;
  /** familyAlpha / hypotheses: the level that Holm's first step uses, and that sizing assumes for every test. */
  testLevel: number;
  /** Requests per node that catch the smallest material skew with the target power. */
  forBalance: number;
  /** Requests per node at which an endpoint missed on a node is significant on its own. */
  forReach: number;
  /** The larger of the two: fewer is refused. */
  minimum: number;
  /** The default: the minimum rounded up to a multiple of REQUESTS_ROUNDING. */
  recommended: number;
}

/** Tests in one family for this shape (see Sizing.hypotheses); 0 when there is nothing to spread over. */
export function familySize({ endpoints, nodes }: RunShape): number {
  return familySizeOf(new Array<number>(Math.max(0, nodes)).fill(endpoints), true);
}

/** The same for sources that expect different numbers of endpoints (a Local traffic policy): no pooled test then. */
export function familySizeOf(endpointsPerSource: readonly number[], pooled: boolean): number {
  const tested = endpointsPerSource.filter((k) => k >= 2);
  const pooledTest = pooled && tested.length > 1 && new Set(tested).size === 1 ? 1 : 0;
  return tested.reduce((sum, k) => sum + k + 1, 0) + pooledTest;
}

/**
 * Requests per node for a shape, from the family alpha, the material bound and the target power.
 * Every test is assumed to run at familyAlpha / hypotheses (Bonferroni); Holm rejects at least
 * whatever Bonferroni rejects, so the power is at least the target.
 */
export function sizeRun(shape: RunShape, options: StatisticalOptions = {}): Sizing {
  if (!Number.isInteger(shape.endpoints) || !Number.isInteger(shape.nodes) || shape.nodes < 1 || shape.endpoints < 1) {
    throw new RangeError(`a run needs at least one node and one endpoint, got ${shape.nodes} and ${shape.endpoints}`);
  }
  return sizeSources(new Array<number>(shape.nodes).fill(shape.endpoints), true, options);
}

/**
 * sizeRun for sources that may expect different numbers of endpoints: every source gets the
 * requests its own k needs at the family's level, so the largest k decides. The shape reported is
 * the number of sources and that largest k.
 */
export function sizeSources(endpointsPerSource: readonly number[], pooled: boolean, options: StatisticalOptions = {}): Sizing {
  const familyAlpha = options.familyAlpha ?? FAMILY_ALPHA;
  const k = Math.max(1, ...endpointsPerSource);
  const shape = { nodes: endpointsPerSource.length, endpoints: k };
  const hypotheses = familySizeOf(endpointsPerSource, pooled);
  if (hypotheses === 0) {
    // One endpoint per source: nothing to balance, and reaching it is what forwarding checks.
    return { shape, familyAlpha, hypotheses, testLevel: familyAlpha, forBalance: 0, forReach: 0, minimum: 1, recommended: REQUESTS_ROUNDING };
  }
  const testLevel = familyAlpha / hypotheses;
  const forReach = minRequestsForReach(k, testLevel);
  const forBalance = requiredRequests({
    shares: leastFavourableShares(k, options.materialRelative ?? MATERIAL_RELATIVE_DEVIATION),
    level: testLevel,
    power: options.power ?? TARGET_POWER,
  });
  const minimum = Math.max(forBalance, forReach);
  return { shape, familyAlpha, hypotheses, testLevel, forBalance, forReach, minimum, recommended: Math.ceil(minimum / REQUESTS_ROUNDING) * REQUESTS_ROUNDING };
}
