import { ExistingClusterProvider } from '../cluster/existing-cluster-provider.js';
import { KindClusterProvider, type KindClusterOptions } from '../cluster/kind-cluster-provider.js';
import type { ClusterProvider } from '../cluster/cluster-provider.js';
import type { ApiProxies } from '../kube/api-proxies.js';
import { resolveKind, resolveKubectl } from '../tools/tool-resolver.js';
import type { Logger } from '../util/log.js';
import type { ClusterSource } from './run-config.js';

export interface Tools {
  kind?: string;
  /** Undefined for kind clusters until the node image is there: the offline build makes kubectl. */
  kubectl?: string;
}

export async function resolveTools(source: ClusterSource, log: Logger): Promise<Tools> {
  if (source.kind === 'kind') return { kind: (await resolveKind(log)).path };
  return { kubectl: (await resolveKubectl(log)).path };
}

export function providerFor(source: ClusterSource, tools: Tools, log: Logger, api?: ApiProxies): ClusterProvider & { preflight?: () => Promise<unknown> } {
  if (source.kind === 'existing') {
    if (!tools.kubectl) throw new Error('an existing cluster needs kubectl resolved first');
    return new ExistingClusterProvider(source.kubeconfig, tools.kubectl, log, api);
  }
  return new KindClusterProvider(kindOptions(source, tools), log);
}

/** The kind provider's options for a run's kind cluster. */
export function kindOptions(source: Extract<ClusterSource, { kind: 'kind' }>, tools: Tools): KindClusterOptions {
  return {
    name: source.name,
    proxyMode: source.proxyMode,
    workers: source.workers,
    ipFamily: source.ipFamily,
    configFile: source.configFile,
    kubeconfig: source.kubeconfig,
    reuse: source.reuse,
    leaseHolder: source.leaseHolder,
    reportedMode: source.reportedMode,
    podNetwork: source.podNetwork,
    kind: tools.kind ?? 'kind',
    kubectl: tools.kubectl,
  };
}
