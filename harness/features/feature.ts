import type { FeatureFault } from '../faults/feature-fault.js';
import type { FeatureLevel } from '../report/report-types.js';

/** What a feature needs to know of the cluster to say whether it can be tested here. */
export interface ClusterFacts {
  provider: 'kind' | 'existing';
  /** Every node, with whether app pods can run on it and its zone label. */
  nodes: { name: string; schedulable: boolean; zone: string | null }[];
  /** The app's endpoints the run asks for (--replicas). */
  replicas: number;
  /** True when the nodes are containers on this host (faults can be injected, the container client can join). */
  onThisHost: boolean;
}

/**
 * One Service behaviour a proxy must implement. Its steps live in the feature's folder and its
 * spec (specs/features/<slug>.spec.ts); this is what the registry, the CLI and the reports know.
 */
export interface Feature {
  /** Stable id, as users name it in --features and reports read it: e.g. "ClusterIP". */
  readonly id: string;
  /** kebab-case: the spec file name and the prefix of its check ids ("" for the NodePort lab). */
  readonly slug: string;
  readonly level: FeatureLevel;
  readonly title: string;
  /** What it checks and why, for the README and --help. */
  readonly description: string;
  /** True when it sends measured traffic (and so takes a share of the run's family alpha). */
  readonly statistical: boolean;
  /**
   * True when its traffic goes from every node to every one of the run's endpoints: a shape the
   * options alone give, so certify refuses a too small --requests for it before anything is made.
   */
  readonly sizedByRunShape?: boolean;
  /** Why this cluster cannot test it, or null when it can. */
  untestable(facts: ClusterFacts): string | null;
  /** How to break it on one node, to show its checks can fail. */
  readonly fault: FeatureFault;
}
