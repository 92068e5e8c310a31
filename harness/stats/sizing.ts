import { FAMILY_ALPHA, MATERIAL_DEVIATION, TARGET_POWER } from './defaults.js';
import { leastFavourableMaterialShares, requiredRequestsPerNode } from './power.js';
import { minRequestsForReach } from './reach.js';

export interface SizingOptions {
  familyAlpha?: number;
  materialDeviation?: number;
  power?: number;
  /** Round the result up to a multiple of this; default 100. */
  roundTo?: number;
}

export interface Sizing {
  requestsPerNode: number;
  /** Needed to catch the smallest material skew with the target power. */
  forMaterialSkew: number;
  /** Needed for the "every endpoint reached" check. */
  forReach: number;
}

/**
 * Requests per node for k endpoints and `nodes` nodes: enough to detect the smallest
 * material skew and to make a missed endpoint meaningful. With the defaults and
 * k = 3, nodes = 4 this gives DEFAULT_REQUESTS_PER_NODE.
 */
export function recommendedRequestsPerNode(k: number, nodes: number, options: SizingOptions = {}): Sizing {
  const familyAlpha = options.familyAlpha ?? FAMILY_ALPHA;
  const roundTo = options.roundTo ?? 100;
  const forReach = minRequestsForReach(k, nodes, familyAlpha);
  if (k < 2) return { requestsPerNode: Math.ceil(forReach / roundTo) * roundTo, forMaterialSkew: 0, forReach };
  const forMaterialSkew = requiredRequestsPerNode({
    shares: leastFavourableMaterialShares(k, options.materialDeviation ?? MATERIAL_DEVIATION),
    nodes,
    familyAlpha,
    power: options.power ?? TARGET_POWER,
  });
  const needed = Math.max(forMaterialSkew, forReach);
  return { requestsPerNode: Math.ceil(needed / roundTo) * roundTo, forMaterialSkew, forReach };
}
