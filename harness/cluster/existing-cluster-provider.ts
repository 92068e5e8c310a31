import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { Kubectl } from '../kube/kubectl.js';
import { UsageError } from '../util/errors.js';
import { JqRunner } from '../queries/jq-runner.js';
import { resolveKind } from '../tools/tool-resolver.js';
import { run } from '../util/exec.js';
import { nodeContainers } from './docker.js';
import { describeImplementation, probeProxyModeEndpoints, reportedProxyMode } from './implementation.js';
import type { ProxyMode } from './proxy-mode.js';
import type { ClusterInfo, ClusterProvider } from './cluster-provider.js';
import type { Logger } from '../util/log.js';

/** Attaches to a cluster the user points at with --kubeconfig; never creates or deletes it. */
export class ExistingClusterProvider implements ClusterProvider {
  readonly kind = 'existing' as const;
  readonly kubeconfig: string;
  private kindName: string | undefined;

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
    this.kindName = await kindClusterNameOf(kubectl);
    let proxyMode = await readProxyMode(kubectl);
    if (proxyMode === 'none' && this.kindName) {
      // No kubeadm kube-proxy, but a proxy the user installed may say its mode (kube-proxy's /proxyMode).
      const told = reportedProxyMode(describeImplementation({ daemonSets: [], configMaps: [], modeByNode: await probeProxyModeEndpoints(await nodeContainers(this.kindName), signal) }));
      if (told !== 'unknown') {
        this.log.info(`no kube-system/kube-proxy ConfigMap, but the proxy on the nodes says mode ${told}`);
        proxyMode = told;
      }
    }
    return {
      name: context,
      provider: 'existing',
      kubeconfig: this.kubeconfig,
      kubernetesVersion,
      proxyMode,
      dockerNetwork: this.kindName ? `kpc-${this.kindName}` : undefined,
    };
  }

  async down(): Promise<void> {}

  /** A kind cluster on this host gets the image loaded; any other cluster must be able to pull it. */
  async loadImage(ref: string, signal: AbortSignal): Promise<void> {
    if (this.kindName && (await nodeContainers(this.kindName).catch(() => [])).length > 0) {
      const kind = await resolveKind(this.log, false);
      await run(kind.path, ['load', 'docker-image', ref, '--name', this.kindName], { signal });
      return;
    }
    this.log.info(`existing cluster: ${ref} must be pullable by its nodes (or loaded beforehand)`);
  }
}

/** kube-proxy's mode from its ConfigMap (kubeadm and kind write one); "none" when there is none. */
export async function readProxyMode(kubectl: Kubectl): Promise<ProxyMode | 'unknown'> {
  const { stdout, exitCode } = await kubectl.run(['get', 'configmap', 'kube-proxy', '--namespace', 'kube-system', '-o', 'json'], { check: false });
  return (await JqRunner.load()).proxyMode(exitCode === 0 ? stdout : null).mode;
}

/** A kind cluster's name, from its control plane's hostname; the harness's kind clusters sit on network kpc-<name>. */
async function kindClusterNameOf(kubectl: Kubectl): Promise<string | undefined> {
  const { stdout } = await kubectl.run(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.labels.kubernetes\\.io/hostname}'], { check: false });
  const controlPlane = stdout.split(' ').find((host) => host.endsWith('-control-plane'));
  return controlPlane?.replace(/-control-plane$/, '');
}
