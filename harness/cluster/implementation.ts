import { kubeProxyConfigMode } from '../queries/proxy-mode.js';
import { run } from '../util/exec.js';
import { PROXY_MODES, type ProxyMode } from './proxy-mode.js';
import { isRecord, record, type ProxyManifests } from './proxy-manifest.js';

/** What was certified: for the report and the conformance report. */
export interface ImplementationDescription {
  /** --implementation when given, else the DaemonSet name(s) and image(s), e.g. "kube-proxy (repo/kube-proxy:v1.33.13)". */
  name: string;
  nameSource: 'option' | 'daemonset';
  /** namespace/name of each DaemonSet of the proxy. */
  daemonSets: string[];
  images: string[];
  /**
   * The mode the proxy says it runs, or null when it says none (not a kube-proxy, or nothing
   * answered and nothing is configured). Never "none": a proxy that runs has a mode or has none to tell.
   */
  mode: string | null;
  modeSource: 'proxyMode endpoint' | 'config' | 'flag' | 'kind config' | null;
  /** What kube-proxy's /proxyMode endpoint (port 10249) answered on each node that answered. */
  modeByNode: Record<string, string>;
}

export interface ImplementationDaemonSet {
  namespace: string;
  name: string;
  images: string[];
  object: Record<string, unknown>;
}

export interface ImplementationConfigMap {
  namespace: string;
  name: string;
  data: Record<string, string>;
}

export interface ImplementationInputs {
  /** --implementation. */
  explicitName?: string;
  daemonSets: readonly ImplementationDaemonSet[];
  /** ConfigMaps the DaemonSets may mount (a KubeProxyConfiguration in one of them gives the mode). */
  configMaps: readonly ImplementationConfigMap[];
  /** From probeProxyModeEndpoints: node -> answer, null where nothing answered. */
  modeByNode?: Readonly<Record<string, string | null>>;
  /** The kubeProxyMode kind was asked for, when kind installed the proxy itself. */
  bootedMode?: ProxyMode;
}

/**
 * Names the implementation and its mode. The mode comes, in this order, from what the running
 * proxy answers on /proxyMode (kube-proxy, kubeadm's included), from a KubeProxyConfiguration in a
 * ConfigMap the DaemonSet mounts (kube-proxy ignores --proxy-mode when --config is given), from a
 * --proxy-mode flag, from the kind config; else null.
 */
export function describeImplementation(inputs: ImplementationInputs): ImplementationDescription {
  const daemonSets = inputs.daemonSets.map((d) => `${d.namespace}/${d.name}`);
  const images = [...new Set(inputs.daemonSets.flatMap((d) => d.images))];
  const name = inputs.explicitName?.trim()
    ? inputs.explicitName.trim()
    : `${[...new Set(inputs.daemonSets.map((d) => d.name))].join(', ')}${images.length > 0 ? ` (${images.join(', ')})` : ''}`;
  const modeByNode = Object.fromEntries(Object.entries(inputs.modeByNode ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  const answers = [...new Set(Object.values(modeByNode))].sort();
  let mode: string | null = null;
  let modeSource: ImplementationDescription['modeSource'] = null;
  if (answers.length > 0) {
    mode = answers.join(',');
    modeSource = 'proxyMode endpoint';
  } else {
    const declared = inputs.daemonSets.map((d) => declaredMode(d, inputs.configMaps)).find((m) => m !== null);
    if (declared) ({ mode, source: modeSource } = declared);
    else if (inputs.bootedMode && inputs.bootedMode !== 'none') {
      mode = inputs.bootedMode;
      modeSource = 'kind config';
    }
  }
  return { name, nameSource: inputs.explicitName?.trim() ? 'option' : 'daemonset', daemonSets, images, mode, modeSource, modeByNode };
}

/** The report's proxyMode field: a known mode, or "unknown"; never "none" for a running proxy. */
export function reportedProxyMode(description: ImplementationDescription): ProxyMode | 'unknown' {
  const known = PROXY_MODES.find((m) => m !== 'none' && m === description.mode);
  return known ?? 'unknown';
}

/** The mode a DaemonSet declares: a mounted KubeProxyConfiguration's `mode`, else a --proxy-mode flag. */
export function declaredMode(ds: ImplementationDaemonSet, configMaps: readonly ImplementationConfigMap[]): { mode: string; source: 'config' | 'flag' } | null {
  const podSpec = record(record(record(ds.object.spec).template).spec);
  const mounted = (Array.isArray(podSpec.volumes) ? podSpec.volumes : [])
    .map((v) => (isRecord(v) ? record(v.configMap).name : undefined))
    .filter((n): n is string => typeof n === 'string');
  for (const cm of configMaps.filter((c) => c.namespace === ds.namespace && mounted.includes(c.name))) {
    for (const text of Object.values(cm.data)) {
      const mode = kubeProxyConfigMode(text);
      if (mode !== undefined) return { mode, source: 'config' };
    }
  }
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers : [];
  for (const c of containers.filter(isRecord)) {
    const words = [c.command, c.args].flatMap((list) => (Array.isArray(list) ? list.map(String) : []));
    for (const [i, word] of words.entries()) {
      const inline = /^--proxy-mode=(.*)$/.exec(word);
      if (inline) return { mode: inline[1] || 'iptables', source: 'flag' };
      if (word === '--proxy-mode' && words[i + 1]) return { mode: words[i + 1]!, source: 'flag' };
    }
  }
  return null;
}

/** The inputs describeImplementation needs, from the manifests that were applied. */
export function implementationInputsFromManifests(manifests: ProxyManifests, explicitName?: string): ImplementationInputs {
  return {
    explicitName,
    daemonSets: manifests.daemonSets,
    configMaps: manifests.objects
      .filter((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1')
      .map((o) => ({
        namespace: o.namespace ?? 'default',
        name: o.name,
        data: Object.fromEntries(Object.entries(record(o.object.data)).filter((e): e is [string, string] => typeof e[1] === 'string')),
      })),
  };
}

/** kube-proxy's metrics server (metricsBindAddress, by default 127.0.0.1:10249) answers GET /proxyMode with its mode. */
export const PROXY_MODE_URL = 'http://127.0.0.1:10249/proxyMode';

/**
 * Asks kube-proxy's /proxyMode endpoint on each kind node (a container here; kube-proxy runs in
 * the node's network namespace), with curl inside the node. null where nothing answered: not a
 * kube-proxy, or its metrics server bound elsewhere.
 */
export async function probeProxyModeEndpoints(nodeContainers: readonly string[], signal?: AbortSignal): Promise<Record<string, string | null>> {
  const answers = await Promise.all(
    nodeContainers.map(async (node) => {
      const result = await run('docker', ['exec', node, 'curl', '--silent', '--fail', '--max-time', '3', PROXY_MODE_URL], { check: false, signal, timeoutMs: 15_000 }).catch(() => undefined);
      const text = result?.exitCode === 0 ? result.stdout.trim() : '';
      return [node, /^[a-z]+$/.test(text) ? text : null] as const;
    }),
  );
  return Object.fromEntries(answers);
}
