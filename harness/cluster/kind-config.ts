import { readFileSync } from 'node:fs';
import { yaml } from '../util/yaml.js';
import { UsageError } from '../util/errors.js';
import type { ProxyMode } from './proxy-mode.js';
import path from 'node:path';
import { REPO_ROOT } from '../util/repo-root.js';

/** The harness's own cluster shape, wherever it is installed: one control plane and two workers. */
export const DEFAULT_KIND_CONFIG = path.join(REPO_ROOT, 'kind-config.yaml');

interface KindNode {
  role: 'control-plane' | 'worker';
  labels?: Record<string, string>;
  [key: string]: unknown;
}

interface KindConfig {
  kind: 'Cluster';
  apiVersion: string;
  networking?: Record<string, unknown>;
  nodes?: KindNode[];
  [key: string]: unknown;
}

export function readKindConfig(file: string): KindConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read kind config ${file} (${(error as NodeJS.ErrnoException).code})`, 'pass --config with a readable kind Cluster config');
  }
  let config: unknown;
  try {
    config = yaml().parse(text);
  } catch (error) {
    throw new UsageError(`kind config ${file} is not valid YAML (${(error as Error).message.split('\n')[0]})`, 'fix the file or pass another with --config');
  }
  if (!isKindConfig(config)) {
    throw new UsageError(`${file} is not a kind Cluster config`, 'pass a file with kind: Cluster and apiVersion: kind.x-k8s.io/v1alpha4');
  }
  return config;
}

function isKindConfig(value: unknown): value is KindConfig {
  const v = value as Partial<KindConfig> | null;
  return typeof v === 'object' && v !== null && v.kind === 'Cluster' && typeof v.apiVersion === 'string' && v.apiVersion.startsWith('kind.x-k8s.io/');
}

/** The IP families a cluster the harness boots can have (kind's networking.ipFamily): IPv4 only, or IPv4 and IPv6. */
export const IP_FAMILIES = ['ipv4', 'dual'] as const;
export type IpFamilyOption = (typeof IP_FAMILIES)[number];

/** Who makes the pod network: kind's default CNI (kindnet), or the proxy the run installs (--proxy-manifest). */
export type PodNetwork = 'kind' | 'proxy';

/** The node label a zone-aware proxy reads (kube-proxy's topology filter, the EndpointSlice controller's hints). */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const ZONES = ['zone-a', 'zone-b'] as const;

/**
 * The user's config with the proxy mode and, when asked, the worker count and IP family set; with `podNetwork:
 * 'proxy'`, without kind's default CNI (the proxy to be installed is the CNI). Zones are not set
 * here: the provider labels the nodes once they run (zone-labels.ts says why).
 */
export function renderKindConfig(config: KindConfig, options: { proxyMode: ProxyMode; workers?: number; podNetwork?: PodNetwork; ipFamily?: IpFamilyOption }): string {
  const nodes = config.nodes ?? [{ role: 'control-plane' }];
  const controlPlanes = nodes.filter((n) => n.role === 'control-plane');
  if (controlPlanes.length === 0) throw new UsageError('the kind config has no control-plane node', 'add `- role: control-plane` under nodes');
  const workers = nodes.filter((n) => n.role === 'worker');
  const template = workers[0] ?? { role: 'worker' as const };
  const wanted = options.workers === undefined ? workers : Array.from({ length: options.workers }, (_, i) => workers[i] ?? { ...template });
  const rendered: KindConfig = {
    ...config,
    networking: {
      ...config.networking,
      kubeProxyMode: options.proxyMode,
      ...(options.ipFamily ? { ipFamily: options.ipFamily } : {}),
      ...(options.podNetwork === 'proxy' ? { disableDefaultCNI: true } : {}),
    },
    nodes: [...controlPlanes, ...wanted],
  };
  return yaml().stringify(rendered);
}

/** Nodes a rendered config boots: its control planes and workers. */
export function countNodes(rendered: string): number {
  return ((yaml().parse(rendered) as KindConfig).nodes ?? []).length;
}
