import { InfeasibleSizing } from './power.js';
import { sizeRun, sizeSources, type RunShape, type Sizing, type StatisticalOptions } from './sizing.js';
import { UsageError } from '../util/errors.js';

/**
 * Requests per node for a shape: the recommended count, or the one asked for with --requests,
 * which is refused below the minimum (docs/statistics.md): a smaller run could pass a proxy it
 * has no power to fail.
 */
export function requestsPerNodeFor(asked: number | null, shape: RunShape, options: StatisticalOptions = {}): { requestsPerNode: number; sizing: Sizing } {
  return checkedSizing(asked, feasible(() => sizeRun(shape, options), shape));
}

/** A shape so wide that no run could measure it is the user's input to change. */
export function feasible(size: () => Sizing, shape: RunShape): Sizing {
  try {
    return size();
  } catch (error) {
    if (!(error instanceof InfeasibleSizing)) throw error;
    throw new UsageError(`${shape.endpoints} endpoints on ${shape.nodes} nodes cannot be measured: ${error.message}`, 'pass fewer --replicas');
  }
}

/** The same for sources that expect different numbers of endpoints (a Local traffic policy). */
export function requestsPerSourceFor(asked: number | null, endpointsPerSource: readonly number[], pooled: boolean, options: StatisticalOptions = {}): { requestsPerNode: number; sizing: Sizing } {
  return checkedSizing(asked, feasible(() => sizeSources(endpointsPerSource, pooled, options), { nodes: endpointsPerSource.length, endpoints: Math.max(1, ...endpointsPerSource) }));
}

export function checkedSizing(asked: number | null, sizing: Sizing, why = ''): { requestsPerNode: number; sizing: Sizing } {
  const shape = sizing.shape;
  if (asked !== null && asked < sizing.minimum) {
    throw new UsageError(
      `--requests ${asked} is below the minimum of ${sizing.minimum} per node for ${shape.nodes} nodes and ${shape.endpoints} endpoints${why}`,
      `pass --requests ${sizing.minimum} or more, or drop it for the recommended ${sizing.recommended}`,
    );
  }
  return { requestsPerNode: asked ?? sizing.recommended, sizing };
}
