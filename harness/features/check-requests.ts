import { checkedSizing, feasible } from '../stats/requests-per-node.js';
import { sizeRun, type RunShape } from '../stats/sizing.js';
import { featureById, featureFamilyAlpha } from './registry.js';

/**
 * certify's check of --requests before anything is made: for the run's features whose traffic
 * spans the whole shape (every node, every endpoint), at the share of the family alpha each
 * feature gets in this run, as the features themselves will size it. The other features' shapes
 * (Local policies) are known only on the cluster, and need fewer.
 */
export function checkRequestsForRun(asked: number | null, features: readonly string[], shape: RunShape): void {
  if (!features.some((id) => featureById(id).sizedByRunShape)) return;
  const statistical = features.filter((id) => featureById(id).statistical).length;
  const why = statistical > 1 ? ` (the run's ${statistical} measuring features share its false-alarm rate, so each needs more)` : '';
  checkedSizing(asked, feasible(() => sizeRun(shape, { familyAlpha: featureFamilyAlpha(features) }), shape), why);
}

