import type { ClusterInfo } from '../cluster/cluster-provider.js';
import { surveyImplementation, type Implementation } from '../cluster/implementation-survey.js';
import { ZONE_LABEL } from '../cluster/kind-config.js';
import type { ClusterFacts, IpFamily } from '../features/feature.js';
import type { Kubectl } from '../kube/kubectl.js';
import { JqRunner } from '../queries/jq-runner.js';
import type { NodeDiscovery } from '../queries/types.js';
import type { RunConfig } from './run-config.js';

/** What the setup learns of the cluster once, for every feature and the report. */
export interface ClusterSurvey {
  discovery: NodeDiscovery;
  facts: ClusterFacts;
  implementation: Implementation;
}

export interface NodeList {
  items: {
    metadata: { name: string; labels?: Record<string, string> };
    spec?: { unschedulable?: boolean; taints?: { effect: string }[] };
    status?: { addresses?: { type: string; address: string }[] };
  }[];
}

/** The IP families every node has an InternalIP of (none when there are no nodes). */
export function internalIpFamilies(nodes: NodeList): IpFamily[] {
  const families = (n: NodeList['items'][number]) => new Set((n.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => (a.address.includes(':') ? 'IPv6' : 'IPv4')));
  const all = nodes.items.map(families);
  return (['IPv4', 'IPv6'] as const).filter((f) => all.length > 0 && all.every((s) => s.has(f)));
}

export { ZONE_LABEL };

export async function surveyCluster(kubectl: Kubectl, info: ClusterInfo, run: RunConfig): Promise<ClusterSurvey> {
  const nodes = await kubectl.json<NodeList>(['get', 'nodes']);
  return {
    discovery: (await JqRunner.load()).nodeAddresses(nodes, run.addressType),
    facts: {
      provider: info.provider,
      nodes: nodes.items.map((n) => ({
        name: n.metadata.name,
        schedulable: !n.spec?.unschedulable && !(n.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
        zone: n.metadata.labels?.[ZONE_LABEL] ?? null,
      })),
      replicas: run.replicas,
      onThisHost: info.dockerNetwork !== undefined,
      ipFamilies: internalIpFamilies(nodes),
    },
    implementation: await surveyImplementation(kubectl, run.implementation, run.cluster.kind === 'kind' ? run.cluster.proxyManifest : undefined),
  };
}
