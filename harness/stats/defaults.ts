/** Family-wise false-alarm rate of one run: every balance, pooled and reach test together (docs/statistics.md). */
export const FAMILY_ALPHA = 0.001;

/**
 * An endpoint's share is materially off when it differs from the fair share 1/k by more than this
 * fraction of 1/k: with k = 3, below 23.3% or above 43.3%; with k = 10, below 7% or above 13%.
 * Relative, so that it means the same for 2 and for 30 endpoints (docs/statistics.md).
 */
export const MATERIAL_RELATIVE_DEVIATION = 0.3;

/** Probability of catching the smallest material skew on a node, which sizes every run. */
export const TARGET_POWER = 0.99;

/** The default request count is the computed minimum rounded up to a multiple of this. */
export const REQUESTS_ROUNDING = 100;
