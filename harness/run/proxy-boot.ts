import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { imageExists, nodeContainers } from '../cluster/docker.js';
import { describeImplementation, implementationInputsFromManifests, probeProxyModeEndpoints, reportedProxyMode, type ImplementationDescription } from '../cluster/implementation.js';
import { installProxy } from '../cluster/proxy-installer.js';
import { proxyDaemonSets } from '../cluster/implementation-survey.js';
import { bindApiServer, CNI_CONFIG_DIR, neverPulledImages, podNetworkDaemonSets, readProxyManifests, type ProxyManifests } from '../cluster/proxy-manifest.js';
import { KindClusterProvider } from '../cluster/kind-cluster-provider.js';
import { changesOnly, waitForClusterReady, waitForNodes } from '../kube/cluster-readiness.js';
import { Kubectl } from '../kube/kubectl.js';
import { resolveKubectl } from '../tools/tool-resolver.js';
import type { Logger } from '../util/log.js';
import { errorMessage, UsageError } from '../util/errors.js';
import { kindOptions, resolveTools } from './providers.js';
import type { ClusterSource, RunConfig } from './run-config.js';

type KindSource = Extract<ClusterSource, { kind: 'kind' }>;

/**
 * CoreDNS retries the API server every few seconds and its readiness probe runs every 10 s; once
 * the proxy is ready it is ready within about 20 s here. Four times that.
 */
const COREDNS_TIMEOUT_MS = 90_000;

/** Written next to report.json: what --proxy-manifest installed and certified. */
export const IMPLEMENTATION_FILE = 'implementation.json';

/**
 * An image every container of the manifests says `imagePullPolicy: Never` for can only come from
 * the local Docker engine (kind load): one that is not there is refused in the preflight.
 */
export async function assertImagesLocal(manifests: ProxyManifests): Promise<void> {
  const missing: string[] = [];
  for (const image of neverPulledImages(manifests)) if (!(await imageExists(image))) missing.push(image);
  if (missing.length === 0) return;
  const readme = path.join(manifests.files.length > 0 ? path.dirname(manifests.files[0]!) : manifests.source, 'README.md');
  const them = missing.length > 1 ? 'them' : 'it';
  throw new UsageError(
    `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in local Docker, and ${manifests.source} says imagePullPolicy: Never for ${them}`,
    existsSync(readme) ? `run the build ${path.relative(process.cwd(), readme)} names, then certify again` : `run docker pull or docker load for ${them} first, or drop imagePullPolicy: Never`,
  );
}

/** Reads and checks the manifests before anything is made: a bad file is exit 2 with nothing left behind. */
export function preflightProxyManifest(source: KindSource): ProxyManifests | undefined {
  return source.proxyManifest ? readProxyManifests(source.proxyManifest) : undefined;
}

/**
 * certify --proxy-manifest: boots the kind cluster with no kube-proxy (and without kind's CNI when
 * the proxy is also the pod network), or attaches to one booted so (--reuse), installs the proxy
 * from the manifests, waits until its DaemonSets are ready on every node and the cluster's own
 * pods (CoreDNS) are ready through it, and names the implementation. `onApply` hears, just before
 * the manifests are applied to a cluster attached to, what to remove afterwards. Returns the run
 * configuration for the lab, which attaches to that cluster (the caller deletes a cluster booted
 * here afterwards unless --keep).
 */
export async function bootWithProxy(run: RunConfig, manifests: ProxyManifests, log: Logger, signal: AbortSignal, onApply?: (kubectl: Kubectl, applied: ProxyManifests) => void): Promise<{ run: RunConfig; implementation: ImplementationDescription }> {
  if (run.cluster.kind !== 'kind') throw new Error('--proxy-manifest needs a kind cluster of its own');
  const cni = podNetworkDaemonSets(manifests);
  if (cni.length > 0) {
    log.step(`${cni.map((d) => `DaemonSet ${d.namespace}/${d.name}`).join(', ')} mounts the host's ${CNI_CONFIG_DIR}: the proxy is also the pod network, so the cluster boots without kind's CNI`);
  }
  const source: KindSource = { ...run.cluster, proxyMode: 'none', podNetwork: cni.length > 0 ? 'proxy' : 'kind' };
  const started = Date.now();
  const provider = new KindClusterProvider(kindOptions(source, await resolveTools(source, log)), log);
  const info = await provider.up(signal);
  const booted = Date.now();
  const kubectl = new Kubectl((await resolveKubectl(log)).path, info.kubeconfig, { signal });
  const bound = bindApiServer(manifests, await provider.internalApiServer());
  if (!provider.createdHere) {
    await assertNoOtherProxy(kubectl, manifests, source.name);
    // Without the run's signal: the removal runs in the clean-up after Ctrl-C too.
    onApply?.(new Kubectl(kubectl.binary, kubectl.kubeconfig), bound);
  }
  log.step(`installing the proxy from ${manifests.source}`);
  const installed = await installProxy(bound, { kubectl, log, signal, loadImage: (ref, s) => provider.loadImage(ref, s) });
  const nodes = await nodeContainers(source.name);
  log.step(cni.length > 0 ? "waiting for the nodes to be Ready on the proxy's pod network, and for CoreDNS" : 'waiting for the kube-system pods that need a service proxy (CoreDNS)');
  if (cni.length > 0) {
    // Without Ready nodes nothing can be certified: kubelet reports Ready once the CNI config is
    // written, which the DaemonSets being ready implies; the bound allows for its status update.
    await waitForNodes(kubectl, nodes.length, 'Ready', changesOnly(log), signal, COREDNS_TIMEOUT_MS).catch((error: unknown) => {
      if (signal.aborted) throw error;
      throw new UsageError(`the proxy's pod network did not make every node Ready (${errorMessage(error)})`, `see why in ${cni.map((d) => `kubectl -n ${d.namespace} logs ds/${d.name}`).join(', ')} (certify --keep leaves the cluster)`);
    });
  }
  // A proxy that does not program the kubernetes Service leaves CoreDNS unready: not a reason to
  // stop here, the lab's ClusterIP step then fails and says so in the report.
  await waitForClusterReady(kubectl, nodes.length, log, signal, COREDNS_TIMEOUT_MS, 'installed').catch((error: unknown) => {
    if (signal.aborted) throw error;
    log.warn(`${errorMessage(error)}; certifying anyway`);
  });
  const implementation = describeImplementation({
    ...implementationInputsFromManifests(manifests, run.implementation.name),
    modeByNode: await probeProxyModeEndpoints(nodes, signal),
  });
  log.step(
    `proxy ${implementation.name} ready on ${installed.daemonSets.map((d) => `${d.namespace}/${d.name} (${d.nodes} nodes)`).join(', ')}; ` +
      `mode ${implementation.mode ?? 'not told'}${implementation.modeSource ? ` (from ${implementation.modeSource})` : ''}; ` +
      `boot ${Math.round((booted - started) / 1000)} s, install ${Math.round(installed.elapsedMs / 1000)} s, ready ${Math.round((Date.now() - started) / 1000)} s`,
  );
  writeFileSync(path.join(run.reportDir, IMPLEMENTATION_FILE), `${JSON.stringify({ ...implementation, installed }, null, 2)}\n`);
  const mode = reportedProxyMode(implementation);
  return {
    // The lab attaches to the cluster made here; the report's proxyMode is the one the proxy told.
    run: { ...run, cluster: { ...source, reuse: true, reportedMode: mode } },
    implementation,
  };
}

/** A cluster attached to (--reuse) must have no proxy but this one: two would both program the nodes. */
async function assertNoOtherProxy(kubectl: Kubectl, manifests: ProxyManifests, cluster: string): Promise<void> {
  const ours = new Set(manifests.daemonSets.map((d) => `${d.namespace}/${d.name}`));
  const others = (await proxyDaemonSets(kubectl)).map((d) => `${d.namespace}/${d.name}`).filter((d) => !ours.has(d));
  if (others.length === 0) return;
  throw new UsageError(
    `kind cluster "${cluster}" already runs a service proxy (DaemonSet ${others.join(', ')}), and --proxy-manifest installs another`,
    `boot one with no proxy (npm run cluster:up -- --name ${cluster} --proxy-mode none), or drop --reuse and pick a --name that is free: certify then boots one`,
  );
}
