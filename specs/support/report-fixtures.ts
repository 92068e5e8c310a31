import type { Endpoint, NodeAddress } from '../../harness/queries/types.js';
import { assembleReport } from '../../harness/report/assemble-report.js';
import { judgeTraffic } from '../../harness/report/judge-traffic.js';
import type { FeatureReport, Report } from '../../harness/report/report-types.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';

/** A three-node kind cluster, three endpoints, and reports built from made-up requests through it. */
export const NODES: NodeAddress[] = [
  { name: 'kind-control-plane', address: '172.18.0.3', addressType: 'InternalIP' },
  { name: 'kind-worker', address: '172.18.0.2', addressType: 'InternalIP' },
  { name: 'kind-worker2', address: '172.18.0.4', addressType: 'InternalIP' },
];
export const ENDPOINTS: Endpoint[] = [
  { pod: 'helloworld-abc', ip: '10.244.2.3', node: 'kind-worker2' },
  { pod: 'helloworld-def', ip: '10.244.1.2', node: 'kind-worker' },
  { pod: 'helloworld-ghi', ip: '10.244.1.3', node: 'kind-worker' },
];

let seq = 0;
export function records(node: string, perPod: number[], failed = 0, error = 'ECONNREFUSED'): RequestRecord[] {
  const out: RequestRecord[] = [];
  const address = NODES.find((n) => n.name === node)!.address;
  perPod.forEach((count, i) => {
    const ep = ENDPOINTS[i]!;
    for (let j = 0; j < count; j++) {
      out.push({ seq: seq++, sentAt: 1764194400000, node, address, port: 30080, clientPort: 40000 + (seq % 20000), sourceAddress: '172.18.0.1', seenSource: '172.18.0.1', status: 200, pod: ep.pod, podIP: ep.ip, backendNode: ep.node, latencyMs: 1.5, error: null });
    }
  });
  for (let j = 0; j < failed; j++) {
    out.push({ seq: seq++, sentAt: 1764194400000, node, address, port: 30080, clientPort: null, sourceAddress: null, seenSource: null, status: null, pod: null, podIP: null, backendNode: null, latencyMs: 3, error });
  }
  return out;
}


export function reportFrom(all: RequestRecord[], requestsPerNode = 300): Report {
  const judged = judgeTraffic({
    name: 'NodePort 30080 through every node',
    client: 'host',
    sources: NODES.map((n) => ({ node: n.name, target: `${n.address}:30080`, label: `node ${n.name} (${n.address}:30080)` })),
    endpoints: ENDPOINTS,
    expected: () => ENDPOINTS.map((e) => e.pod),
    records: all,
    requestsPerNode,
    sizing: null,
    familyAlpha: 0.001,
    idPrefix: '',
  });
  const feature: FeatureReport = {
    id: 'NodePort',
    title: "NodePort through every node's address",
    level: 'core',
    status: judged.checks.some((c) => c.status === 'fail') ? 'fail' : 'pass',
    reason: null,
    checks: judged.checks.map((c) => ({ ...c, feature: 'NodePort' })),
    measurements: [judged.measurement],
    figures: [],
    notes: [],
    startedAt: '2025-11-26T22:00:00.000Z',
    finishedAt: '2025-11-26T22:01:30.000Z',
  };
  const report = assembleReport(
    {
      profile: 'nodeport',
      features: [{ id: 'NodePort', title: feature.title, level: 'core' }],
      implementation: { name: 'kube-proxy', version: 'v1.34.4', url: null, source: 'DaemonSet kube-system/kube-proxy' },
      proxyMode: 'nftables',
      cluster: { name: 'kind', provider: 'kind', kubeconfig: '/work/main/.kube/kind.kubeconfig', kubernetesVersion: 'v1.34.1' },
      nodes: NODES,
      notes: ['ipvs: not testable on this host (the kernel has no IP_VS)'],
      startedAt: '2025-11-26T22:00:00.000Z',
      command: 'npm run certify',
    },
    new Map([['NodePort', feature]]),
  );
  return { ...report, finishedAt: '2025-11-26T22:01:30.500Z' };
}

export const passingReport = (): Report => reportFrom([...records('kind-control-plane', [100, 98, 102]), ...records('kind-worker', [101, 99, 100]), ...records('kind-worker2', [97, 103, 100])]);
// kind-worker2 never reaches helloworld-abc and loses 4 requests.
export const failingReport = (): Report => reportFrom([...records('kind-control-plane', [100, 98, 102]), ...records('kind-worker', [101, 99, 100]), ...records('kind-worker2', [0, 150, 146], 4)]);
