import { existsSync } from 'node:fs';
import { KUBE_PROXY_MODES } from '../queries/types.js';
import { UsageError } from '../util/errors.js';

/** What a kind cluster can be booted with: a kube-proxy mode, or none (another proxy installed after, or none at all). */
export const PROXY_MODES = [...KUBE_PROXY_MODES, 'none'] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];

export function parseProxyMode(value: string): ProxyMode {
  if ((PROXY_MODES as readonly string[]).includes(value)) return value as ProxyMode;
  throw new UsageError(`unknown proxy mode "${value}"`, `use one of ${PROXY_MODES.join(', ')}`);
}

/** kind nodes share the host kernel: ipvs mode needs IP_VS there. /proc/net/ip_vs exists once it is loaded. */
export function hostHasIpvs(procRoot = '/proc', sysRoot = '/sys'): boolean {
  return existsSync(`${procRoot}/net/ip_vs`) || existsSync(`${sysRoot}/module/ip_vs`);
}

export const IPVS_NOT_TESTABLE = 'ipvs: not testable on this host (the kernel has no IP_VS)';

/**
 * Notes for a run on a cluster whose nodes are containers on this host (they share its kernel), so
 * ipvs is never passed or failed silently here; a remote cluster's kernel is not this host's.
 */
export function hostNotes(onThisHost: boolean): string[] {
  return onThisHost && !hostHasIpvs() ? [IPVS_NOT_TESTABLE] : [];
}

export function assertModeRunsHere(mode: ProxyMode, hasIpvs = hostHasIpvs()): void {
  if (mode === 'ipvs' && !hasIpvs) {
    throw new UsageError(
      'proxy mode ipvs needs IP_VS, which the host kernel lacks (kind nodes share it)',
      'use --proxy-mode iptables or nftables here, or run on a host whose kernel has ip_vs',
    );
  }
}
