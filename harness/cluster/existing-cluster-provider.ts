import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { Kubectl } from '../kube/kubectl.js';
import { UsageError } from '../util/errors.js';
import { PROXY_MODES, type ProxyMode } from './proxy-mode.js';
import type { ClusterInfo, ClusterProvider } from './cluster-provider.js';
import type { Logger } from '../util/log.js';

/** Attaches to a cluster the user points at with --kubeconfig; never creates or deletes it. */
export class ExistingClusterProvider implements ClusterProvider {
  readonly kind = 'existing' as const;
  readonly kubeconfig: string;

  constructor(kubeconfig: string, private readonly kubectlBinary: string, private readonly log: Logger) {
    this.kubeconfig = path.resolve(kubeconfig);
    try {
      accessSync(this.kubeconfig, constants.R_OK);
    } catch {
      throw new UsageError(`kubeconfig ${this.kubeconfig} does not exist or is not readable`, 'pass --kubeconfig with the path of a readable kubeconfig file');
    }
  }

  async up(signal: AbortSignal): Promise<ClusterInfo> {
    const kubectl = new Kubectl(this.kubectlBinary, this.kubeconfig, { signal });
    const kubernetesVersion = await kubectl.assertReachable();
    const context = (await kubectl.text(['config', 'current-context'])).trim();
    this.log.step(`attached to context "${context}" (Kubernetes ${kubernetesVersion})`);
    return {
      name: context,
      provider: 'existing',
      kubeconfig: this.kubeconfig,
      kubernetesVersion,
      proxyMode: await readProxyMode(kubectl),
      dockerNetwork: await kindNetworkOf(kubectl),
    };
  }

  async down(): Promise<void> {}

  async loadImage(ref: string): Promise<void> {
    this.log.info(`existing cluster: ${ref} must be pullable by its nodes (or loaded beforehand)`);
  }
}

/** kube-proxy's mode from its ConfigMap (kubeadm and kind write one); "unknown" when there is none. */
export async function readProxyMode(kubectl: Kubectl): Promise<ProxyMode | 'unknown'> {
  const { stdout, exitCode } = await kubectl.run(['get', 'configmap', 'kube-proxy', '--namespace', 'kube-system', '-o', 'jsonpath={.data.config\\.conf}'], { check: false });
  if (exitCode !== 0 || !stdout.trim()) return 'none';
  const mode = (parse(stdout) as { mode?: string } | null)?.mode || 'iptables';
  return (PROXY_MODES as readonly string[]).includes(mode) ? (mode as ProxyMode) : 'unknown';
}

/** Nodes made by this project's kind provider sit on a network named after the cluster. */
async function kindNetworkOf(kubectl: Kubectl): Promise<string | undefined> {
  const { stdout } = await kubectl.run(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.labels.kubernetes\\.io/hostname}'], { check: false });
  const match = /^(.+)-control-plane$/.exec(stdout.trim());
  return match ? `kpc-${match[1]}` : undefined;
}
