import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeContainers } from '../cluster/docker.js';
import { describeImplementation, implementationInputsFromManifests, probeProxyModeEndpoints, reportedProxyMode, type ImplementationDescription } from '../cluster/implementation.js';
import { installProxy } from '../cluster/proxy-installer.js';
import { readProxyManifests, type ProxyManifests } from '../cluster/proxy-manifest.js';
import { waitForClusterReady } from '../kube/cluster-readiness.js';
import { Kubectl } from '../kube/kubectl.js';
import { resolveKubectl } from '../tools/tool-resolver.js';
import type { Logger } from '../util/log.js';
import { providerFor, resolveTools } from './providers.js';
import type { ClusterSource, RunConfig } from './run-config.js';

type KindSource = Extract<ClusterSource, { kind: 'kind' }>;

/**
 * CoreDNS retries the API server every few seconds and its readiness probe runs every 10 s; once
 * the proxy is ready it is ready within about 20 s here. Four times that.
 */
const COREDNS_TIMEOUT_MS = 90_000;

/** Written next to report.json: what --proxy-manifest installed and certified. */
export const IMPLEMENTATION_FILE = 'implementation.json';

/** Reads and checks the manifests before anything is made: a bad file is exit 2 with nothing left behind. */
export function preflightProxyManifest(source: KindSource): ProxyManifests | undefined {
  return source.proxyManifest ? readProxyManifests(source.proxyManifest) : undefined;
}

/**
 * certify --proxy-manifest: boots the kind cluster with no kube-proxy, installs the proxy from
 * the manifests, waits until its DaemonSets are ready on every node and the cluster's own pods
 * (CoreDNS) are ready through it, and names the implementation. Returns the run configuration for
 * the lab, which attaches to that cluster (the caller deletes it afterwards unless --keep).
 */
export async function bootWithProxy(run: RunConfig, manifests: ProxyManifests, log: Logger, signal: AbortSignal): Promise<{ run: RunConfig; implementation: ImplementationDescription }> {
  if (run.cluster.kind !== 'kind') throw new Error('--proxy-manifest needs a kind cluster of its own');
  const source: KindSource = { ...run.cluster, proxyMode: 'none' };
  const started = Date.now();
  const provider = providerFor(source, await resolveTools(source, log), log);
  const info = await provider.up(signal);
  const booted = Date.now();
  const kubectl = new Kubectl((await resolveKubectl(log)).path, info.kubeconfig, { signal });
  log.step(`installing the proxy from ${manifests.source}`);
  const installed = await installProxy(manifests, { kubectl, log, signal, loadImage: (ref, s) => provider.loadImage(ref, s) });
  const nodes = await nodeContainers(source.name);
  log.step('waiting for the kube-system pods that need a service proxy (CoreDNS)');
  // A proxy that does not program the kubernetes Service leaves CoreDNS unready: not a reason to
  // stop here, the lab's ClusterIP step then fails and says so in the report.
  await waitForClusterReady(kubectl, nodes.length, log, signal, COREDNS_TIMEOUT_MS, 'installed').catch((error: unknown) => {
    if (signal.aborted) throw error;
    log.warn(`${(error as Error).message}; certifying anyway`);
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
