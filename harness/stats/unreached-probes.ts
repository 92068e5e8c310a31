import { TARGET_POWER } from './defaults.js';

/**
 * Probes that catch a node which forwards a share `share` of its connections, with probability
 * `power`: a probe misses such a node with probability 1 - share, all n of them with (1 - share)^n.
 */
export function probesToCatch(share: number, power: number): number {
  return Math.ceil(Math.log(1 - power) / Math.log(1 - share));
}

/**
 * The smallest share of forwarded connections worth catching: a proxy that forwards even one in
 * four connections it should not (a stale or partial rule, a random fallback) is broken.
 */
export const UNREACHED_SHARE = 0.25;

/** Probes per target and round: 17, which catch a node forwarding a quarter of them with the run's target power (0.99). */
export const UNREACHED_PROBES = probesToCatch(UNREACHED_SHARE, TARGET_POWER);
