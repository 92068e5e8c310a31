import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClusterInfo } from '../cluster/cluster-provider.js';
import type { ProxyMode } from '../cluster/proxy-mode.js';
import type { ClientKind } from '../traffic/traffic-client.js';

export type ClusterSource =
  | {
      kind: 'kind';
      name: string;
      proxyMode: ProxyMode;
      workers?: number;
      configFile: string;
      kubeconfig: string;
      reuse?: boolean;
      /** certify --proxy-manifest: boot with no kube-proxy and install this proxy (harness/run/proxy-boot.ts). */
      proxyManifest?: string;
      /** certify --implementation: the name the report gives the proxy. */
      implementation?: string;
    }
  | { kind: 'existing'; kubeconfig: string; expectedProxyMode?: ProxyMode };

/** Everything one certification run needs; certify builds it, the Playwright projects read it. */
export interface RunConfig {
  profile: string;
  /** Labels what this run starts outside the cluster (traffic containers), so clean-up finds only its own. */
  runId: string;
  cluster: ClusterSource;
  keep: boolean;
  client: ClientKind;
  namespace: string;
  requestsPerNode: number;
  concurrency: number;
  /** Absolute. */
  reportDir: string;
}

export const RUN_CONFIG_ENV = 'KPC_RUN_CONFIG';

export function runConfigFromEnv(): RunConfig | undefined {
  const raw = process.env[RUN_CONFIG_ENV];
  return raw ? (JSON.parse(raw) as RunConfig) : undefined;
}

/** The cluster the setup project made or attached to, for the specs and the teardown. */
export interface ClusterState {
  info: ClusterInfo;
  /** True when this run booted the cluster (so teardown may delete it). */
  created: boolean;
  namespaceCreated: boolean;
  appImage: string;
}

const stateFile = (config: RunConfig) => path.join(config.reportDir, 'cluster.json');

export function writeClusterState(config: RunConfig, state: ClusterState): void {
  mkdirSync(config.reportDir, { recursive: true });
  writeFileSync(stateFile(config), JSON.stringify(state, null, 2));
}

export function readClusterState(config: RunConfig): ClusterState {
  try {
    return JSON.parse(readFileSync(stateFile(config), 'utf8')) as ClusterState;
  } catch {
    throw new Error(`no cluster state in ${stateFile(config)}: the setup project did not run or failed`);
  }
}

export function updateClusterState(config: RunConfig, patch: Partial<ClusterState>): void {
  writeClusterState(config, { ...readClusterState(config), ...patch });
}
