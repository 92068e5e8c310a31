import type { FeatureFault } from '../faults/feature-fault.js';
import type { Kubectl } from '../kube/kubectl.js';
import type { HelloworldLab } from '../lab/helloworld-lab.js';
import type { NodeDiscovery } from '../queries/types.js';
import type { FeatureLevel } from '../report/report-types.js';
import type { ClientKind } from '../traffic/traffic-client.js';
import type { TrafficLane } from '../traffic/traffic-lane.js';
import type { Logger } from '../util/log.js';
import type { FeatureResult } from './feature-result.js';

/** What a feature needs to know of the cluster to say whether it can be tested here. */
export interface ClusterFacts {
  provider: 'kind' | 'existing';
  /** Every node, with whether app pods can run on it and its zone label. */
  nodes: { name: string; schedulable: boolean; zone: string | null }[];
  /** The app's endpoints the run asks for (--replicas). */
  replicas: number;
  /** True when the nodes are containers on this host (faults can be injected, the container client can join). */
  onThisHost: boolean;
  /** The IP families every node has an InternalIP of: both on a dual-stack cluster. */
  ipFamilies: IpFamily[];
}

export type IpFamily = 'IPv4' | 'IPv6';

/** The options of the run that a feature's steps read. */
export interface FeatureOptions {
  /** The feature's own namespace (feature-namespace.ts). */
  namespace: string;
  /** The app's endpoints (--replicas). */
  replicas: number;
  /** --requests; null: each feature sizes its traffic (docs/statistics.md). */
  requestsPerNode: number | null;
  concurrency: number;
  client: ClientKind;
  /** Labels the traffic containers a step starts, so that the run's clean-up finds them. */
  runId: string;
  /** Which node address traffic goes to; unset: ExternalIP where a node has one, else InternalIP. */
  addressType?: 'InternalIP' | 'ExternalIP';
}

/** The cluster as the setup surveyed it, once for every feature. */
export interface FeatureCluster {
  appImage: string;
  /** The kind cluster's Docker network (container clients join it); unset on other clusters. */
  dockerNetwork?: string;
  facts: ClusterFacts;
  discovery: NodeDiscovery;
}

/** What a feature's steps are given: the run, the cluster, clients to it, and where results go. */
export interface FeatureContext {
  readonly options: FeatureOptions;
  readonly cluster: FeatureCluster;
  readonly kubectl: Kubectl;
  readonly lab: HelloworldLab;
  readonly log: Logger;
  /** The feature's share of the run's family alpha (the registry's featureFamilyAlpha). */
  readonly familyAlpha: number;
  /** What the ids of its checks start with: `<slug>/` (the NodePort lab's have none). */
  readonly checkPrefix: string;
  readonly result: FeatureResult;
  /** The run's lane for measured traffic (sendGuarded): bursts take turns, waits overlap. */
  readonly lane: TrafficLane;
  /** `close` runs when the feature ends, whether its steps passed or not (clients, streams, watches). */
  onEnd(close: () => Promise<unknown>): void;
}

/** One step of a feature, as a user would do it by hand; a failed assertion fails the feature, naming the step. */
export interface FeatureStep {
  /** The test's title and the progress line: "1. deploy the app and a ClusterIP Service". */
  readonly title: string;
  /** Short, for errors: step "deploy" failed: ... */
  readonly name: string;
  run(ctx: FeatureContext): Promise<void>;
}

/**
 * One Service behaviour a proxy must implement, whole: its id and level, what it needs of the
 * cluster, its steps and checks, and the fault that shows they can fail. Its folder holds all of
 * it; the registry lists it; the suite (harness/run/feature-suite.ts) runs it in certify and in
 * `npm test` alike.
 */
export interface Feature {
  /** Stable id, as users name it in --features and reports read it: e.g. "ClusterIP". */
  readonly id: string;
  /** kebab-case: its folder's name, and the prefix of its check ids unless checkPrefix says otherwise. */
  readonly slug: string;
  /** The prefix of its check ids when not `<slug>/`: "" for the NodePort lab, whose ids keep their short form. */
  readonly checkPrefix?: string;
  /** True for the NodePort lab, which runs in the namespace the user names; every other feature has one of its own (feature-namespace.ts). */
  readonly inLabNamespace?: boolean;
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
  /** A new list for each run: the steps share what they learn through the closure that makes them. */
  steps(): FeatureStep[];
}
