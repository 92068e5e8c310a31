import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { Kubectl } from '../kube/kubectl.js';
import { UsageError } from '../util/errors.js';
import { JqRunner } from '../queries/jq-runner.js';
import { resolveKind } from '../tools/tool-resolver.js';
import { run } from '../util/exec.js';
import { kindClusterOfNodes, nodeContainers } from './docker.js';
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
    return {
      name: context,
      provider: 'existing',
      kubeconfig: this.kubeconfig,
      kubernetesVersion,
      proxyMode: await readProxyMode(kubectl),
      dockerNetwork: await this.recogniseKind(kubectl),
    };
  }

  async down(): Promise<void> {}

  /**
   * A kind cluster on this host (made by this harness or by plain `kind create cluster`) is
   * recognised from its node containers' labels; returns its Docker network, for the container
   * client and for loading images.
   */
  private async recogniseKind(kubectl: Kubectl): Promise<string | undefined> {
    const { stdout } = await kubectl.run(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'], { check: false });
    const kind = await kindClusterOfNodes(stdout.split(' ').filter(Boolean)).catch(() => undefined);
    this.kindName = kind?.name;
    if (kind) this.log.info(`kind cluster "${kind.name}" on Docker network ${kind.network}`);
    return kind?.network;
  }

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


