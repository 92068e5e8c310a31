import { test, expect } from '../support/fixtures.js';
import { describeFeature } from '../support/feature-spec.js';
import { ETP_LOCAL_MANIFEST, ETP_LOCAL_SERVICE, externalTrafficPolicyLocal as etpLocal } from '../../harness/features/etp-local/index.js';
import { describeHealth, HEALTH_REQUEST, healthAsExpected, healthCheck } from '../../harness/features/etp-local/health-check.js';
import { plainAddress, sourceIpCheck } from '../../harness/features/etp-local/source-ip.js';
import { featureFamilyAlpha } from '../../harness/features/registry.js';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../harness/kube/bounds.js';
import { APP_SELECTOR } from '../../harness/lab/helloworld-lab.js';
import { endpointsByNode } from '../../harness/lab/local-endpoints.js';
import type { ServiceUnderTest } from '../../harness/lab/service-under-test.js';
import type { Endpoint, NodeAddress } from '../../harness/queries/types.js';
import { judgeTraffic } from '../../harness/report/judge-traffic.js';
import { unreachedCheck } from '../../harness/report/unreached-check.js';
import { sendGuarded } from '../../harness/run/guarded-traffic.js';
import { requestsPerSourceFor } from '../../harness/run/requests-per-node.js';
import { awaitEach, awaitProgrammed, type Convergence } from '../../harness/traffic/await-programmed.js';
import { chooseClient } from '../../harness/traffic/choose-client.js';
import { HostTrafficClient } from '../../harness/traffic/host-client.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';
import type { TrafficClient } from '../../harness/traffic/traffic-client.js';
import { isSuccessful } from '../../harness/traffic/traffic-matrix.js';
import { DEFAULT_TIMEOUT_MS, GIVE_UP_AFTER, hostPort, type TrafficTarget } from '../../harness/traffic/traffic-plan.js';
import { connected, probeUnreached } from '../../harness/traffic/unreached.js';
import { UNREACHED_PROBES } from '../../harness/stats/unreached-probes.js';

const { slug } = etpLocal;

/**
 * externalTrafficPolicy Local from outside the cluster, through every node: where a node holds
 * endpoints only they answer, evenly, and they see the client's own address; where it holds none,
 * nothing answers; and every node's healthCheckNodePort tells a load balancer which is which.
 */
describeFeature(etpLocal, "ExternalTrafficPolicyLocal: local endpoints only, the client's address kept, through every node", (current) => {
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

  test.afterAll(async () => {
    await client?.close();
  });

  test('1. deploy the app and a LoadBalancer Service with externalTrafficPolicy Local; see which nodes hold its endpoints', async ({ lab, run, state }) => {
    await current().step('deploy', async () => {
      ({ service, endpoints } = await lab.deployBehind(ETP_LOCAL_SERVICE, ETP_LOCAL_MANIFEST, run.replicas));
      const summary = await service.summary();
      expect(summary.externalTrafficPolicy).toBe('Local');
      expect(summary.healthCheckNodePort, 'the API allocated a healthCheckNodePort').not.toBeNull();
      nodePort = summary.nodePort!;
      healthPort = summary.healthCheckNodePort!;
      const addressed = state.survey!.discovery.addressed;
      local = endpointsByNode(endpoints, addressed.map((n) => n.name));
      holding = addressed.filter((n) => local.get(n.name)!.length > 0);
      empty = addressed.filter((n) => local.get(n.name)!.length === 0);
      current().note(`endpoints per node: ${addressed.map((n) => `${n.name} ${local.get(n.name)!.length}`).join(', ')}; NodePort ${nodePort}, healthCheckNodePort ${healthPort}`);
    });
    if (holding.length === 0 || empty.length === 0) {
      const reason = holding.length === 0 ? 'no addressed node holds an endpoint' : `every addressed node holds one of the ${endpoints.length} endpoints, so none can show that it forwards nothing`;
      current().skip(reason);
      test.skip(true, reason);
    }
  });

  test("2. every node's healthCheckNodePort: 200 and its endpoint count where it holds endpoints, 503 where it holds none", async ({ run, state }) => {
    await current().step('health-check', async () => {
      const all = [...holding, ...empty];
      const ports = targets(all, healthPort);
      // The port opens once the proxy has programmed the Service; "auto" picks the host client
      // only if it can connect to every node, so let it open first.
      if (run.client !== 'container') await awaitEach(new HostTrafficClient(), ports, (r) => r.status !== null, { request: HEALTH_REQUEST });
      client = await chooseClient(run.client, { runId: run.runId, appImage: state.appImage, dockerNetwork: state.info.dockerNetwork, targets: ports });
      health = await awaitEach(client, ports, (r) => healthAsExpected(r, local.get(r.node)!.length), { request: HEALTH_REQUEST });
      current().addChecks(all.map((n) => healthCheck(`${slug}/health-check/${n.name}`, via(n, healthPort), health.find((c) => c.node === n.name)!, local.get(n.name)!.length)));
    });
  });

  test("3. POST through every node that holds endpoints: only its own answer, evenly, and they see the client's address", async ({ kubectl, run, state, log }) => {
    await current().step('traffic', async () => {
      const through = targets(holding, nodePort);
      const silent = await awaitProgrammed(through, 'world1', undefined, client);
      if (silent.length > 0) log.step(`no answer yet through ${silent.join(', ')} after 30 s; measuring anyway`);
      const familyAlpha = featureFamilyAlpha(run.features);
      // Each node spreads over its own endpoints only: sized for the node with the most.
      const { requestsPerNode, sizing } = requestsPerSourceFor(run.requestsPerNode, holding.map((n) => local.get(n.name)!.length), false, { familyAlpha });
      const plan = { targets: through, requestsPerNode, concurrency: run.concurrency, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER };
      traffic = await sendGuarded({ kubectl, namespace: run.namespace, selector: APP_SELECTOR, client: client!, plan, log, what: 'nodes that hold endpoints' });
      current().addTraffic(
        judgeTraffic({
          name: `NodePort ${nodePort} (externalTrafficPolicy Local) through every node that holds endpoints`,
          client: client!.kind,
          sources: holding.map((n) => ({ node: n.name, target: hostPort(n.address, nodePort), label: via(n, nodePort) })),
          unreachable: state.survey!.discovery.unaddressed,
          endpoints,
          expected: (node) => local.get(node)!.map((e) => e.pod),
          records: traffic,
          requestsPerNode,
          sizing,
          familyAlpha,
          idPrefix: `${slug}/`,
        }),
        traffic,
      );
      current().addChecks(holding.map((n) => sourceIpCheck(`${slug}/source-ip/${n.name}`, n.name, via(n, nodePort), traffic)));
    });
  });

  test('4. through every node that holds no endpoint, no connection reaches a pod', async () => {
    await current().step('no-local-endpoint', async () => {
      const changedAt = await service.lastChangedAt();
      const from = Date.now();
      probes = await probeUnreached(client!, targets(empty, nodePort), changedAt + PROXY_PROGRAMMING_TIMEOUT_MS, UNREACHED_PROBES);
      const span = `(probed over ${((Date.now() - from) / 1000).toFixed(1)} s, until ${((Date.now() - changedAt) / 1000).toFixed(1)} s after the Service or its endpoints last changed)`;
      current().addChecks(
        empty.map((n) =>
          unreachedCheck({
            id: `${slug}/no-local-endpoint/${n.name}`,
            node: n.name,
            label: via(n, nodePort),
            records: probes.filter((r) => r.node === n.name),
            span,
            rule: 'a node without a local endpoint must not forward external traffic under externalTrafficPolicy Local',
          }),
        ),
      );
      current().figure({
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
    });
  });
});
