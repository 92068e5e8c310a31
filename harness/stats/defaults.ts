/** Family-wise false-alarm rate for the balance tests of one run (see docs/statistics.md). */
export const FAMILY_ALPHA = 0.001;

/**
 * A node fails balance only if some endpoint's share is off 1/k by more than this
 * (absolute). With k = 3: an endpoint above 43% or below 23% instead of 33%.
 */
export const MATERIAL_DEVIATION = 0.1;

/** Target probability of catching a material skew on a node. */
export const TARGET_POWER = 0.99;

/** Cluster shape the default request count is designed for: 3 endpoints, up to 4 nodes. */
export const DESIGN_ENDPOINTS = 3;
export const DESIGN_NODES = 4;

/**
 * Connections per node (each request opens its own TCP connection).
 * Derivation (k = 3, 4 nodes, family alpha 0.001, per-node level 0.001 / 4, power 0.99):
 *  - 2:1:1 skew (.5/.25/.25): 318 needed (221 for 90%);
 *  - smallest material skew, max |share - 1/3| = 0.1 (.433/.283/.283): 883 needed;
 *  - every endpoint reached with chance-miss bound < 0.001: 24 needed.
 * The largest, 883, rounded up to the next 100. `recommendedRequestsPerNode()` recomputes
 * this for other shapes; a unit test pins the numbers.
 */
export const DEFAULT_REQUESTS_PER_NODE = 900;
