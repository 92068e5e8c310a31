import type { Kubectl } from '../kube/kubectl.js';
import type { Implementation } from '../report/report-types.js';

interface DaemonSetList {
  items: { metadata: { name: string; namespace: string }; spec: { template: { spec: { containers: { name: string; image: string }[] } } } }[];
}

const KUBE_PROXY_URL = 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/';

/** "registry.k8s.io/kube-proxy:v1.34.4" -> "v1.34.4"; a digest-only reference has no version. */
export function imageVersion(image: string): string | null {
  const withoutDigest = image.split('@')[0]!;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : null;
}

/**
 * What is certified: the names given on the command line, else what the cluster runs (kube-proxy's
 * DaemonSet in kube-system, as kubeadm and kind deploy it).
 */
export async function describeImplementation(kubectl: Kubectl, given: { name?: string; version?: string; url?: string }): Promise<Implementation> {
  const { stdout, exitCode } = await kubectl.run(['get', 'daemonsets', '--namespace', 'kube-system', '-o', 'json'], { check: false });
  const daemonSets = exitCode === 0 ? (JSON.parse(stdout) as DaemonSetList).items : [];
  const kubeProxy = daemonSets.find((d) => d.metadata.name === 'kube-proxy');
  const image = kubeProxy?.spec.template.spec.containers[0]?.image;
  const found: Implementation = kubeProxy
    ? { name: 'kube-proxy', version: image ? imageVersion(image) : null, url: KUBE_PROXY_URL, source: `DaemonSet kube-system/kube-proxy (${image ?? 'no image'})` }
    : { name: 'unknown', version: null, url: null, source: 'no kube-proxy DaemonSet in kube-system; name the implementation with --implementation' };
  if (!given.name) return { ...found, version: given.version ?? found.version, url: given.url ?? found.url };
  return { name: given.name, version: given.version ?? null, url: given.url ?? null, source: 'the command line' };
}
