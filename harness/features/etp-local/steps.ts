import assert from 'node:assert/strict';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../kube/bounds.js';
import { endpointsByNode } from '../../lab/local-endpoints.js';
import type { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { Endpoint, NodeAddress } from '../../queries/types.js';
import { unreachedCheck } from '../../report/unreached-check.js';
import { requestsPerSourceFor } from '../../stats/requests-per-node.js';
import { UNREACHED_PROBES } from '../../stats/unreached-probes.js';
import { awaitEach, type Convergence } from '../../traffic/await-programmed.js';
import { chooseClient } from '../../traffic/choose-client.js';
import type { RequestRecord } from '../../traffic/request-record.js';
import type { TrafficClient } from '../../traffic/traffic-client.js';
import { isSuccessful } from '../../traffic/traffic-matrix.js';
import { hostPort, type TrafficTarget } from '../../traffic/traffic-plan.js';
import { connected, probeUnreached } from '../../traffic/unreached.js';
import type { FeatureStep } from '../feature.js';
import { measureTraffic } from '../measured-traffic.js';
import { featureFile } from '../feature-file.js';
import { describeHealth, HEALTH_REQUEST, healthAsExpected, healthCheck } from './health-check.js';
import { plainAddress, sourceIpCheck } from './source-ip.js';

export const SLUG = 'etp-local';
export const ETP_LOCAL_SERVICE = 'kpc-etp-local';
const ETP_LOCAL_MANIFEST = featureFile(SLUG, 'service.yaml');

/**
 * externalTrafficPolicy Local from outside the cluster, through every node: where a node holds
 * endpoints only they answer, evenly, and they see the client's own address; where it holds none,
 * nothing answers; and every node's healthCheckNodePort tells a load balancer which is which.
 */
export function etpLocalSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let endpoints: Endpoint[];
  let local: Map<string, Endpoint[]>;
  let holding: NodeAddress[];
  let empty: NodeAddress[];
  let nodePort: number;
  let healthPort: number;
  let client: TrafficClient | undefined;
  let health: Convergence[] = [];
  let traffic: RequestRecord[] = [];
  let probes: RequestRecord[] = [];

  const via = (node: NodeAddress, port: number) => `node ${node.name} (${hostPort(node.address, port)})`;
  const targets = (nodes: NodeAddress[], port: number): TrafficTarget[] => nodes.map((n) => ({ node: n.name, address: n.address, port }));

  return [
    {
      title: '1. deploy the app and a LoadBalancer Service with externalTrafficPolicy Local; see which nodes hold its endpoints',
      name: 'deploy',
      async run({ lab, options, cluster, result, onEnd }) {
        onEnd(async () => client?.close());
        ({ service, endpoints } = await lab.deployBehind(ETP_LOCAL_SERVICE, ETP_LOCAL_MANIFEST, options.replicas));
        const summary = await service.summary();
        assert.equal(summary.externalTrafficPolicy, 'Local', `the Service's externalTrafficPolicy is ${summary.externalTrafficPolicy}, not Local`);
        assert.notEqual(summary.healthCheckNodePort, null, 'the API allocated no healthCheckNodePort');
        nodePort = summary.nodePort!;
        healthPort = summary.healthCheckNodePort!;
        const addressed = cluster.discovery.addressed;
        local = endpointsByNode(endpoints, addressed.map((n) => n.name));
        holding = addressed.filter((n) => local.get(n.name)!.length > 0);
        empty = addressed.filter((n) => local.get(n.name)!.length === 0);
        result.note(`endpoints per node: ${addressed.map((n) => `${n.name} ${local.get(n.name)!.length}`).join(', ')}; NodePort ${nodePort}, healthCheckNodePort ${healthPort}`);
        if (holding.length === 0 || empty.length === 0) {
          result.skip(holding.length === 0 ? 'no addressed node holds an endpoint' : `every addressed node holds one of the ${endpoints.length} endpoints, so none can show that it forwards nothing`);
        }
      },
    },
    {
      title: "2. every node's healthCheckNodePort: 200 and its endpoint count where it holds endpoints, 503 where it holds none",
      name: 'health-check',
      async run({ options, cluster, result }) {
        const all = [...holding, ...empty];
        const ports = targets(all, healthPort);
        client = await chooseClient(options.client, { runId: options.runId, appImage: cluster.appImage, dockerNetwork: cluster.dockerNetwork, targets: ports });
        health = await awaitEach(client, ports, (r) => healthAsExpected(r, local.get(r.node)!.length), { request: HEALTH_REQUEST });
        result.addChecks(all.map((n) => healthCheck(`${SLUG}/health-check/${n.name}`, via(n, healthPort), health.find((c) => c.node === n.name)!, local.get(n.name)!.length)));
      },
    },
    {
      title: "3. POST through every node that holds endpoints: only its own answer, evenly, and they see the client's address",
      name: 'traffic',
      async run(ctx) {
        traffic = await measureTraffic(ctx, {
          name: `NodePort ${nodePort} (externalTrafficPolicy Local) through every node that holds endpoints`,
          client: client!,
          targets: targets(holding, nodePort),
          // Each node spreads over its own endpoints only: sized for the node with the most.
          sized: requestsPerSourceFor(ctx.options.requestsPerNode, holding.map((n) => local.get(n.name)!.length), false, { familyAlpha: ctx.familyAlpha }),
          what: 'nodes that hold endpoints',
          sources: holding.map((n) => ({ node: n.name, target: hostPort(n.address, nodePort), label: via(n, nodePort) })),
          unreachable: ctx.cluster.discovery.unaddressed,
          endpoints,
          expected: (node) => local.get(node)!.map((e) => e.pod),
        });
        ctx.result.addChecks(holding.map((n) => sourceIpCheck(`${SLUG}/source-ip/${n.name}`, n.name, via(n, nodePort), traffic)));
      },
    },
    {
      title: '4. through every node that holds no endpoint, no connection reaches a pod',
      name: 'no-local-endpoint',
      async run({ result }) {
        const changedAt = await service.lastChangedAt();
        const from = Date.now();
        probes = await probeUnreached(client!, targets(empty, nodePort), changedAt + PROXY_PROGRAMMING_TIMEOUT_MS, UNREACHED_PROBES);
        const span = `(probed over ${((Date.now() - from) / 1000).toFixed(1)} s, until ${((Date.now() - changedAt) / 1000).toFixed(1)} s after the Service or its endpoints last changed)`;
        result.addChecks(
          empty.map((n) =>
            unreachedCheck({
              id: `${SLUG}/no-local-endpoint/${n.name}`,
              node: n.name,
              label: via(n, nodePort),
              records: probes.filter((r) => r.node === n.name),
              span,
              rule: 'a node without a local endpoint must not forward external traffic under externalTrafficPolicy Local',
            }),
          ),
        );
        result.figure({
          title: 'Per node: local endpoints, health check, answers and the source address the pods saw',
          columns: ['node', 'local endpoints', 'health check', 'answered', 'source address kept', 'probes that reached a pod'],
          rows: [...holding, ...empty].map((n) => {
            const answers = traffic.filter((r) => r.node === n.name && isSuccessful(r));
            const kept = answers.filter((r) => r.seenSource !== null && r.sourceAddress !== null && plainAddress(r.seenSource) === plainAddress(r.sourceAddress)).length;
            const probed = probes.filter((r) => r.node === n.name);
            return [
              n.name,
              local.get(n.name)!.length,
              describeHealth(health.find((c) => c.node === n.name)?.last ?? null),
              local.get(n.name)!.length > 0 ? `${answers.length} of ${traffic.filter((r) => r.node === n.name).length}` : null,
              local.get(n.name)!.length > 0 ? `${kept} of ${answers.length}` : null,
              local.get(n.name)!.length > 0 ? null : `${probed.filter(connected).length} of ${probed.length}`,
            ];
          }),
        });
      },
    },
  ];
}
