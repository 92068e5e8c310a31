import path from 'node:path';
import { ApiProxies } from '../kube/api-proxies.js';
import { Kubectl } from '../kube/kubectl.js';
import { readKubeconfig, type KubeconfigContents } from '../kube/kubeconfig-file.js';
import { JqRunner } from '../queries/jq-runner.js';
import { resolveKind } from '../tools/tool-resolver.js';
import { run } from '../util/exec.js';
import { kindClusterOfNodes, nodeContainers, type KindCluster } from './docker.js';
import { loadImageUnlessHeld } from './node-images.js';
import { describeImplementation, probeProxyModeEndpoints, reportedProxyMode } from './implementation.js';
import type { ProxyMode } from './proxy-mode.js';
import type { ClusterInfo, ClusterProvider } from './cluster-provider.js';
import type { Logger } from '../util/log.js';

/** Attaches to a cluster the user points at with --kubeconfig; never creates or deletes it. */
export class ExistingClusterProvider implements ClusterProvider {
  readonly kind = 'existing' as const;
  readonly kubeconfig: string;
  private kindCluster: KindCluster | undefined;
  /** The attached kubectl, once `up` has run. */
  private kubectl: Kubectl | undefined;

  private readonly contents: KubeconfigContents;

  constructor(kubeconfig: string, private readonly kubectlBinary: string, private readonly log: Logger, private readonly api?: ApiProxies) {
    this.kubeconfig = path.resolve(kubeconfig);
    this.contents = readKubeconfig(this.kubeconfig);
  }

  async up(signal: AbortSignal): Promise<ClusterInfo> {
    const direct = new Kubectl(this.kubectlBinary, this.kubeconfig, { signal });
    const kubectl = await ApiProxies.attachIfAny(this.api, direct);
    this.kubectl = kubectl;
    const kubernetesVersion = await kubectl.assertReachable();
    const context = this.contents.currentContext ?? (await kubectl.text(['config', 'current-context'])).trim();
    this.log.step(`attached to context "${context}" (Kubernetes ${kubernetesVersion})`);
    const dockerNetwork = await this.recogniseKind(kubectl);
    const { mode: proxyMode, note: proxyModeNote } = await detectProxyMode(kubectl, this.kindCluster?.name, signal);
    if (proxyModeNote) this.log.info(proxyModeNote);
    return {
      name: context,
      provider: 'existing',
      kubeconfig: this.kubeconfig,
      kubernetesVersion,
      proxyMode,
      proxyModeNote,
      dockerNetwork,
    };
  }

  async down(): Promise<void> {}

  /**
   * A kind cluster on this host (made by this harness or by plain `kind create cluster`) is
   * recognised from its node containers' labels; returns its Docker network, for the container
   * client and for loading images.
   */
  private async recogniseKind(kubectl: Kubectl): Promise<string | undefined> {
    const kind = await kindClusterOf(kubectl);
    this.kindCluster = kind;
    if (kind) this.log.info(`kind cluster "${kind.name}" on Docker network ${kind.network}`);
    return kind?.network;
  }

  /** A kind cluster on this host gets the image loaded; any other cluster must be able to pull it. */
  async loadImage(ref: string, signal: AbortSignal): Promise<void> {
    const kind = this.kindCluster;
    if (kind) {
      await loadImageUnlessHeld(kind.nodes, ref, async () => {
        const tool = await resolveKind(this.log, false);
        await run(tool.path, ['load', 'docker-image', ref, '--name', kind.name], { signal });
      }, this.kubectl);
      return;
    }
    this.log.info(`existing cluster: ${ref} must be pullable by its nodes (or loaded beforehand)`);
  }
}

/**
 * The proxy mode a cluster runs: from kube-proxy's ConfigMap (kubeadm and kind write one); without
 * it, from kube-proxy's /proxyMode on the nodes of a kind cluster on this host (a proxy the user
 * installed); else unknown, with the reason. Never "none" for a proxy that runs.
 */
export async function detectProxyMode(kubectl: Kubectl, kindName?: string, signal?: AbortSignal): Promise<{ mode: ProxyMode | 'unknown'; note?: string }> {
  const configMap = await kubectl.jsonIfAny(['get', 'configmap', 'kube-proxy', '--namespace', 'kube-system']);
  const configured = (await JqRunner.load()).proxyMode(configMap ?? null).mode;
  if (configured !== 'none') return { mode: configured };
  const told = kindName ? reportedProxyMode(describeImplementation({ daemonSets: [], configMaps: [], modeByNode: await probeProxyModeEndpoints(await nodeContainers(kindName), signal) })) : 'unknown';
  if (told !== 'unknown') return { mode: told, note: `proxy mode ${told}, from kube-proxy's /proxyMode on the nodes (no kube-system/kube-proxy ConfigMap)` };
  const why = kindName ? "no proxy on the nodes answered kube-proxy's /proxyMode" : "the nodes are not containers on this host, where kube-proxy's /proxyMode could be asked";
  return { mode: 'unknown', note: `proxy mode unknown: no kube-system/kube-proxy ConfigMap, and ${why}` };
}

/** detectProxyMode for a cluster known only by its kubeconfig: a kind cluster of this host is recognised first. */
export async function detectProxyModeOf(kubectl: Kubectl): Promise<{ mode: ProxyMode | 'unknown'; note?: string }> {
  return detectProxyMode(kubectl, (await kindClusterOf(kubectl))?.name);
}

/** The kind cluster on this host whose node containers are the cluster's nodes, if it is one. */
async function kindClusterOf(kubectl: Kubectl): Promise<KindCluster | undefined> {
  const nodes = await kubectl.jsonIfAny<{ items: { metadata: { name: string } }[] }>(['get', 'nodes']);
  return kindClusterOfNodes((nodes?.items ?? []).map((n) => n.metadata.name)).catch(() => undefined);
}
