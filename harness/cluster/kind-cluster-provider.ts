import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { run } from '../util/exec.js';
import { yaml } from '../util/yaml.js';
import { UsageError } from '../util/errors.js';
import { Kubectl } from '../kube/kubectl.js';
import { kubectlCacheDir } from '../kube/kubectl-env.js';
import { readKubeconfig } from '../kube/kubeconfig-file.js';
import { resolveKubectl } from '../tools/tool-resolver.js';
import { waitForClusterReady, type ProxyPresence } from '../kube/cluster-readiness.js';
import { assertDockerReachable, nodeContainers, removeNetwork, removeNodeContainersUntilQuiet, runningNodeContainers } from './docker.js';
import { loadImageUnlessHeld } from './node-images.js';
import { chooseNodeImage } from './node-image.js';
import { countNodes, readKindConfig, renderKindConfig, type IpFamilyOption, type PodNetwork } from './kind-config.js';
import { assertHostCouldHold, assertHostHolds } from './host-capacity.js';
import { assertModeRunsHere, type ProxyMode } from './proxy-mode.js';
import { labelZones } from './zone-labels.js';
import { leaseHolderAlive, readLease, releaseLease, takeLease } from './cluster-lease.js';
import type { ClusterInfo, ClusterProvider } from './cluster-provider.js';
import { removeRenderedConfig, writeRenderedConfig } from './rendered-config.js';
import type { Logger } from '../util/log.js';

export interface KindClusterOptions {
  name: string;
  proxyMode: ProxyMode;
  workers?: number;
  /** Unset: as the kind config says (IPv4 unless it sets networking.ipFamily). */
  ipFamily?: IpFamilyOption;
  configFile: string;
  kubeconfig: string;
  kind: string;
  /** Resolved after the node image is chosen when not given (the offline build makes it). */
  kubectl?: string;
  /** Attach to a cluster of that name instead of refusing it. */
  reuse?: boolean;
  /** The process that will delete the cluster this provider boots (ClusterLease); unset: this one. */
  leaseHolder?: number;
  /** The mode the proxy installed on it told (--proxy-manifest): what the report says instead of proxyMode. */
  reportedMode?: ProxyMode | 'unknown';
  /** 'proxy': boot without kind's CNI, and do not wait for Ready nodes (the proxy installed next makes the pod network). */
  podNetwork?: PodNetwork;
}

const WAITING_FOR: Record<ProxyPresence, string> = {
  installed: 'waiting for nodes and kube-system pods',
  none: 'waiting for nodes, the pod network and the control plane (proxy mode none: not for what needs a service proxy)',
  'none-and-no-cni': 'waiting for the nodes to register and the control plane (no proxy and no pod network until the proxy is installed)',
};

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

/** Each cluster gets a Docker network of its own, so deleting the cluster leaves no network behind. */
export const dockerNetworkFor = (cluster: string) => `kpc-${cluster}`;

export function defaultKubeconfigPath(cluster: string): string {
  return path.resolve('.kube', `${cluster}.kubeconfig`);
}

export function assertClusterName(name: string): void {
  if (!CLUSTER_NAME.test(name)) {
    throw new UsageError(`invalid cluster name "${name}"`, 'use 1-32 lower-case letters, digits and dashes, starting and ending with a letter or digit');
  }
}

/**
 * The checks that need neither tools nor Docker: run first, so bad input fails at once (before,
 * say, the kind CLI is built) and leaves nothing behind. Returns the rendered kind config.
 */
export function validateKindOptions(options: Pick<KindClusterOptions, 'name' | 'proxyMode' | 'configFile' | 'workers' | 'podNetwork' | 'ipFamily'>): string {
  assertClusterName(options.name);
  assertModeRunsHere(options.proxyMode);
  if (options.workers !== undefined) assertHostCouldHold(options.workers);
  return renderKindConfig(readKindConfig(options.configFile), { proxyMode: options.proxyMode, workers: options.workers, podNetwork: options.podNetwork, ipFamily: options.ipFamily });
}

export class KindClusterProvider implements ClusterProvider {
  readonly kind = 'kind' as const;
  private created = false;

  constructor(private readonly options: KindClusterOptions, private readonly log: Logger) {}

  /** Checks that need no cluster: they fail before anything is made. */
  async preflight(): Promise<string> {
    const rendered = validateKindOptions(this.options);
    await assertDockerReachable(this.log);
    let existing = await nodeContainers(this.options.name);
    if (existing.length > 0) existing = await this.deleteIfAbandoned(existing);
    if (existing.length > 0 && !this.options.reuse) {
      throw new UsageError(`a kind cluster named "${this.options.name}" already exists (${existing.join(', ')})`, 'pick another --name, pass --reuse to attach to it, or delete it with `npm run cluster:down -- --name ' + this.options.name + '`');
    }
    if (existing.length === 0) assertHostHolds(countNodes(rendered));
    return rendered;
  }

  /**
   * Deletes the cluster when a run that was to delete it ended without doing so (its lease's
   * process is gone): a half-made or forgotten cluster must not block the next run of that name.
   * Returns the node containers still there.
   */
  private async deleteIfAbandoned(existing: string[]): Promise<string[]> {
    const lease = readLease(this.options.name);
    // Held by this run (--proxy-manifest boots, then attaches with --reuse): its own, not abandoned.
    if (!lease || lease.pid === (this.options.leaseHolder ?? process.pid)) return existing;
    if (leaseHolderAlive(lease)) {
      throw new UsageError(
        `the kind cluster "${this.options.name}" is in use by another run of this harness (pid ${lease.pid}, since ${lease.since})`,
        'wait for that run to end, or pick another --name',
      );
    }
    this.log.step(`deleting kind cluster "${this.options.name}": the run that booted it (pid ${lease.pid}, ${lease.since}) ended without deleting it`);
    await this.down();
    if (lease.renderedConfig) removeRenderedConfig(lease.renderedConfig);
    return nodeContainers(this.options.name);
  }

  async up(signal: AbortSignal): Promise<ClusterInfo> {
    const rendered = await this.preflight();
    const { name, kubeconfig } = this.options;
    const expectedNodes = countNodes(rendered);
    let nodeImage: string | undefined;
    if ((await nodeContainers(name)).length > 0) {
      this.log.step(`reusing kind cluster "${name}"`);
      await this.exportKubeconfig();
    } else {
      const image = await chooseNodeImage(this.log, signal);
      nodeImage = image.ref;
      this.log.step(`node image: ${image.ref} (${image.source})`);
      const configPath = writeRenderedConfig(rendered);
      mkdirSync(kubectlCacheDir(kubeconfig), { recursive: true });
      this.created = true;
      takeLease(name, this.options.leaseHolder ?? process.pid, configPath);
      this.log.step(`creating kind cluster "${name}" (${expectedNodes} nodes, proxy mode ${this.options.proxyMode})`);
      try {
        await run(this.options.kind, ['create', 'cluster', '--name', name, '--image', image.ref, '--config', configPath, '--kubeconfig', kubeconfig], {
          signal,
          env: { ...process.env, KIND_EXPERIMENTAL_DOCKER_NETWORK: dockerNetworkFor(name) },
          onStderrLine: (line) => {
            const text = line.replace(/^[\s•✓✗⠈⠁⠂⠄⡀⢀⠠⠐]+/u, '').trim();
            if (text && !text.startsWith('WARNING: Overriding docker network')) this.log.info(text);
          },
        });
      } finally {
        // Also when kind fails or Ctrl-C stops it: the rendered config is this run's alone.
        removeRenderedConfig(configPath);
      }
    }
    const kubectl = new Kubectl(this.options.kubectl ?? (await resolveKubectl(this.log)).path, kubeconfig);
    const proxy = this.options.proxyMode !== 'none' ? 'installed' : this.options.podNetwork === 'proxy' ? 'none-and-no-cni' : 'none';
    this.log.step(WAITING_FOR[proxy]);
    const { notAwaited } = await waitForClusterReady(kubectl, expectedNodes, this.log, signal, undefined, proxy);
    if (notAwaited.length > 0 && proxy === 'none') {
      this.log.info(`not waiting for ${notAwaited.join(', ')}: they reach the API server through the kubernetes Service's ClusterIP, which only a service proxy programs; they become ready once one runs`);
    }
    await labelZones(kubectl, proxy === 'installed', this.log, signal);
    const kubernetesVersion = await kubectl.assertReachable();
    return {
      name,
      provider: 'kind',
      kubeconfig,
      kubernetesVersion,
      proxyMode: this.options.reportedMode ?? this.options.proxyMode,
      dockerNetwork: dockerNetworkFor(name),
      nodeImage,
    };
  }

  /** True when this provider made the cluster (so clean-up after a failure should delete it). */
  get createdHere(): boolean {
    return this.created;
  }

  async down(): Promise<void> {
    const { name, kubeconfig } = this.options;
    // A kubeconfig that holds other clusters too (cluster up --kubeconfig ~/.kube/config) only
    // loses this cluster's entries, which kind delete removes; the file is removed when it was this cluster's alone.
    const ownFile = holdsOnly(kubeconfig, `kind-${name}`);
    await run(this.options.kind, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig]);
    await removeNodeContainersUntilQuiet(name);
    await removeNetwork(dockerNetworkFor(name));
    releaseLease(name);
    if (!ownFile) return;
    rmSync(kubeconfig, { force: true });
    rmSync(kubectlCacheDir(kubeconfig), { recursive: true, force: true });
  }

  async loadImage(ref: string, signal: AbortSignal): Promise<void> {
    const load = () => run(this.options.kind, ['load', 'docker-image', ref, '--name', this.options.name], { signal }).then(() => {});
    await loadImageUnlessHeld(await runningNodeContainers(this.options.name), ref, load);
  }

  /**
   * The API server's address as the nodes reach it on the cluster's network (`kind get kubeconfig
   * --internal`: the control plane, or the load balancer in front of several).
   */
  async internalApiServer(): Promise<{ host: string; port: number }> {
    const { stdout } = await run(this.options.kind, ['get', 'kubeconfig', '--internal', '--name', this.options.name]);
    const config = yaml().parse(stdout) as { clusters?: { cluster?: { server?: string } }[] } | null;
    const server = config?.clusters?.[0]?.cluster?.server;
    if (!server) throw new Error(`kind get kubeconfig --internal --name ${this.options.name} named no API server`);
    const url = new URL(server);
    return { host: url.hostname, port: Number(url.port || 443) };
  }

  private async exportKubeconfig(): Promise<void> {
    mkdirSync(kubectlCacheDir(this.options.kubeconfig), { recursive: true });
    await run(this.options.kind, ['export', 'kubeconfig', '--name', this.options.name, '--kubeconfig', this.options.kubeconfig]);
  }
}

/**
 * False when the kubeconfig names a context other than `context`. A file that is not a kubeconfig
 * counts as the cluster's own (a half-written one): cluster down refuses such a file before it
 * deletes anything, and certify's is always the harness's own.
 */
function holdsOnly(kubeconfig: string, context: string): boolean {
  try {
    return readKubeconfig(kubeconfig).contexts.every((c) => c.name === context);
  } catch {
    return true;
  }
}
