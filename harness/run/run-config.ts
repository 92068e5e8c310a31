import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClusterInfo } from '../cluster/cluster-provider.js';
import type { ProxyMode } from '../cluster/proxy-mode.js';
import type { IpFamilyOption, PodNetwork } from '../cluster/kind-config.js';
import type { ClientKind } from '../traffic/traffic-client.js';
import type { ClusterSurvey } from './cluster-survey.js';
import { writeAtomically } from '../util/write-atomically.js';

export type ClusterSource =
  | {
      kind: 'kind';
      name: string;
      proxyMode: ProxyMode;
      workers?: number;
      ipFamily?: IpFamilyOption;
      configFile: string;
      kubeconfig: string;
      reuse?: boolean;
      /** The process that will delete the cluster it boots (ClusterLease); unset: this one. */
      leaseHolder?: number;
      /** certify --proxy-manifest: boot with no kube-proxy and install this proxy (harness/run/proxy-boot.ts). */
      proxyManifest?: string;
      /** The mode the installed proxy told (--proxy-manifest), for the report; unset: proxyMode. */
      reportedMode?: ProxyMode | 'unknown';
      /** 'proxy': the --proxy-manifest proxy is also the CNI, so the cluster boots without kind's. */
      podNetwork?: PodNetwork;
    }
  | { kind: 'existing'; kubeconfig: string; expectedProxyMode?: ProxyMode };

/** Everything one certification run needs: certify builds it from its options, `npm test` per project (specs/support/test-runs.ts). */
export interface RunConfig {
  /** Names the Playwright projects of the run and prefixes its progress lines: "certify", or the test profile. */
  name: string;
  /** The conformance profile asked for, and the features it resolved to (with --features, those). */
  profile: string;
  features: string[];
  /** True when the user named the features: one the cluster cannot test is then an error, not a skip. */
  featuresClaimed: boolean;
  /** What is certified, as the user named it; unset parts are read from the cluster. */
  implementation: { name?: string; version?: string; url?: string };
  /** Labels what this run starts outside the cluster (traffic containers), so clean-up finds only its own. */
  runId: string;
  cluster: ClusterSource;
  keep: boolean;
  client: ClientKind;
  namespace: string;
  /** Which node address traffic goes to; unset: ExternalIP where a node has one, else InternalIP. */
  addressType?: 'InternalIP' | 'ExternalIP';
  /** The app image the nodes pull (--image); unset: the harness builds its own and loads it into kind nodes. */
  appImage?: string;
  /** Endpoints of the app (the Deployment's replicas). */
  replicas: number;
  /** Asked for with --requests; null: the recommended count for the shape found (docs/statistics.md). */
  requestsPerNode: number | null;
  concurrency: number;
  /** Absolute. */
  reportDir: string;
  /**
   * On a cluster certify did not boot: the run holds a Lease in its lab namespace, renewed while it
   * runs, and a pod there reaps the run's namespaces once the Lease has gone unrenewed this long
   * (certify killed). Unset: no Lease, no reaper (--keep, the clusters certify or `npm test` boot).
   */
  reaper?: { expirySeconds: number };
}

/** The cluster the setup (setUpCluster) made or attached to, for the specs and the teardown. */
export interface ClusterState {
  /** The run that wrote it (RunConfig.runId): a state left by an earlier run is never awaited as this one's. */
  runId?: string;
  info: ClusterInfo;
  /** True when this run booted the cluster (so teardown may delete it). */
  created: boolean;
  namespaceCreated: boolean;
  /** The features' own namespaces (feature-namespace.ts) this run created, so that its clean-up deletes them too. */
  featureNamespacesCreated?: string[];
  appImage: string;
  /** Written once the setup has looked at the cluster. */
  survey?: ClusterSurvey;
  /** The kubectl the setup resolved, so that a spec need not start it again to find it. */
  kubectl?: string;
}

export const stateFile = (config: RunConfig) => path.join(config.reportDir, 'cluster.json');

export function writeClusterState(config: RunConfig, state: ClusterState): void {
  // Whole or not at all: a clean-up after Ctrl-C may read it while it is written.
  writeAtomically(stateFile(config), JSON.stringify({ ...state, runId: config.runId }, null, 2));
}

export function readClusterState(config: RunConfig): ClusterState {
  try {
    return JSON.parse(readFileSync(stateFile(config), 'utf8')) as ClusterState;
  } catch {
    throw new Error(`no cluster state in ${stateFile(config)}: the cluster setup did not run or failed`);
  }
}

/** Records, before it is made, a feature namespace the run creates (a Ctrl-C right after still finds it). */
export function recordFeatureNamespace(config: RunConfig, namespace: string): void {
  const state = readClusterState(config);
  writeClusterState(config, { ...state, featureNamespacesCreated: [...new Set([...(state.featureNamespacesCreated ?? []), namespace])] });
}

export function updateClusterState(config: RunConfig, patch: Partial<ClusterState>): void {
  writeClusterState(config, { ...readClusterState(config), ...patch });
}
