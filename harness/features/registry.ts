import { FAMILY_ALPHA } from '../stats/defaults.js';
import type { Feature } from './feature.js';
import { nodePort } from './node-port/index.js';
import { clusterIp } from './cluster-ip/index.js';
import { noEndpoints } from './no-endpoints/index.js';
import { typeChange } from './type-change/index.js';
import { endpointChurn } from './endpoint-churn/index.js';
import { externalTrafficPolicyLocal } from './etp-local/index.js';
import { internalTrafficPolicyLocal } from './itp-local/index.js';
import { sessionAffinity } from './session-affinity/index.js';
import { hairpin } from './hairpin/index.js';
import { preferClose } from './prefer-close/index.js';
import { multiPort } from './multi-port/index.js';
import { udp } from './udp/index.js';
import { externalIps } from './external-ips/index.js';
import { loadBalancerIp } from './load-balancer-ip/index.js';
import { terminatingEndpoints } from './terminating-endpoints/index.js';
import { dualStack } from './dual-stack/index.js';

/** Every feature, in the order a run tests them. Adding one is one line here and a folder of its own. */
export const FEATURES: readonly Feature[] = [nodePort, clusterIp, noEndpoints, endpointChurn, typeChange, multiPort, udp, externalIps, loadBalancerIp, terminatingEndpoints, dualStack, externalTrafficPolicyLocal, internalTrafficPolicyLocal, sessionAffinity, hairpin, preferClose];

export const PROFILES = {
  /** Today's lab, and its time: the default. */
  nodeport: ['NodePort'],
  /** What every proxy must do. */
  core: FEATURES.filter((f) => f.level === 'core').map((f) => f.id),
  all: FEATURES.map((f) => f.id),
} as const satisfies Record<string, readonly string[]>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export function featureById(id: string): Feature {
  const feature = FEATURES.find((f) => f.id === id);
  if (!feature) throw new Error(`no feature "${id}"`);
  return feature;
}

/**
 * Each statistical feature of a run is one family at FAMILY_ALPHA / (statistical features), so the
 * run as a whole keeps FAMILY_ALPHA (Bonferroni across features, Holm within each).
 */
export function featureFamilyAlpha(runFeatures: readonly string[]): number {
  const statistical = runFeatures.map(featureById).filter((f) => f.statistical).length;
  return FAMILY_ALPHA / Math.max(1, statistical);
}
