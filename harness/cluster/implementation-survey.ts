import type { Kubectl } from '../kube/kubectl.js';
import { describeImplementation, type ImplementationDaemonSet } from './implementation.js';
import { readProxyManifests } from './proxy-manifest.js';

/** What was certified, as the report names it. */
export interface Implementation {
  name: string;
  version: string | null;
  url: string | null;
  /** Where the name and version came from: the command line, or what the cluster runs. */
  source: string;
}

const KUBE_PROXY_URL = 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/';
/**
 * Replacements whose DaemonSet is not named like a proxy: taken when no DaemonSet is (with
 * kube-proxy beside it, Cilium is the CNI and kube-proxy the proxy). Name -> documentation.
 */
const KNOWN_REPLACEMENTS: Record<string, string> = {
  cilium: 'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/',
};

interface DaemonSetList {
  items: { metadata: { name: string; namespace: string }; spec: { template: { spec: { containers?: { image?: string }[] } } } }[];
}

/** "registry.k8s.io/kube-proxy:v1.34.4" -> "v1.34.4"; a digest-only reference has no version. */
export function imageVersion(image: string): string | null {
  const withoutDigest = image.split('@')[0]!;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : null;
}

/**
 * The DaemonSets that look like a service proxy: kube-system/kube-proxy as kubeadm deploys it, or
 * any named like one; else a known replacement's (KNOWN_REPLACEMENTS).
 */
export async function proxyDaemonSets(kubectl: Kubectl): Promise<ImplementationDaemonSet[]> {
  const list = await kubectl.jsonIfAny<DaemonSetList>(['get', 'daemonsets', '--all-namespaces']);
  const items = list?.items ?? [];
  const proxies = items.filter((d) => /proxy/i.test(d.metadata.name));
  return (proxies.length > 0 ? proxies : items.filter((d) => d.metadata.name in KNOWN_REPLACEMENTS))
    .map((d) => ({
      namespace: d.metadata.namespace,
      name: d.metadata.name,
      images: (d.spec.template.spec.containers ?? []).map((c) => c.image ?? '').filter(Boolean),
      object: d as unknown as Record<string, unknown>,
    }));
}

/**
 * What is certified, for the reports: the name given on the command line, else the proxy's
 * DaemonSet(s) (those --proxy-manifest installed, or one that looks like a proxy) and its image's
 * version. A cluster with none is "unknown", with how to name it.
 */
export async function surveyImplementation(kubectl: Kubectl, given: { name?: string; version?: string; url?: string }, proxyManifest?: string): Promise<Implementation> {
  if (given.name) return { name: given.name, version: given.version ?? null, url: given.url ?? null, source: 'the command line' };
  const daemonSets = proxyManifest ? readProxyManifests(proxyManifest).daemonSets : await proxyDaemonSets(kubectl);
  if (daemonSets.length === 0) {
    return { name: 'unknown', version: given.version ?? null, url: given.url ?? null, source: 'no proxy DaemonSet found; name the implementation with --implementation' };
  }
  const described = describeImplementation({ daemonSets, configMaps: [] });
  const names = [...new Set(daemonSets.map((d) => d.name))];
  const image = described.images[0];
  return {
    name: names.join(', '),
    version: given.version ?? (image ? imageVersion(image) : null),
    url: given.url ?? (names.every((n) => n.includes('kube-proxy')) ? KUBE_PROXY_URL : names.length === 1 ? (KNOWN_REPLACEMENTS[names[0]!] ?? null) : null),
    source: `${proxyManifest ? `--proxy-manifest ${proxyManifest}: ` : ''}DaemonSet ${described.daemonSets.join(', ')} (${described.images.join(', ')})`,
  };
}
