import type { ProxyMode } from './proxy-mode.js';

export interface ClusterInfo {
  name: string;
  provider: 'kind' | 'existing';
  /** Absolute path; the harness never writes ~/.kube/config. */
  kubeconfig: string;
  kubernetesVersion: string;
  /** The mode asked for (kind), or the mode read from the cluster (existing). */
  proxyMode: ProxyMode | 'unknown';
  /** How the mode was read, when that is worth a note in the report (no ConfigMap, asked on the nodes, unknown). */
  proxyModeNote?: string;
  /** Docker network the nodes sit on, for the container client; undefined when not a Docker cluster. */
  dockerNetwork?: string;
  nodeImage?: string;
}

/** What a cluster source can do: kind boots and deletes one, "existing" only attaches. */
export interface ClusterProvider {
  readonly kind: ClusterInfo['provider'];
  up(signal: AbortSignal): Promise<ClusterInfo>;
  down(): Promise<void>;
  /** Makes a local image available to the nodes. */
  loadImage(ref: string, signal: AbortSignal): Promise<void>;
}
