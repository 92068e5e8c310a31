import { test, expect } from '../support/fixtures.js';
import { describeFeature } from '../support/feature-spec.js';
import { CLUSTER_IP_MANIFEST, CLUSTER_IP_SERVICE, clusterIp } from '../../harness/features/cluster-ip/index.js';
import { featureFamilyAlpha } from '../../harness/features/registry.js';
import { ensureClientPods, type ClientPod } from '../../harness/lab/client-pods.js';
import { APP_PORT, APP_SELECTOR } from '../../harness/lab/helloworld-lab.js';
import type { ServiceUnderTest } from '../../harness/lab/service-under-test.js';
import type { Endpoint } from '../../harness/queries/types.js';
import { judgeTraffic } from '../../harness/report/judge-traffic.js';
import { sendGuarded } from '../../harness/run/guarded-traffic.js';
import { requestsPerNodeFor } from '../../harness/run/requests-per-node.js';
import { awaitProgrammed } from '../../harness/traffic/await-programmed.js';
import { PodTrafficClient } from '../../harness/traffic/pod-client.js';
import { DEFAULT_TIMEOUT_MS, GIVE_UP_AFTER, hostPort, type TrafficTarget } from '../../harness/traffic/traffic-plan.js';

/** ClusterIP, from inside the cluster: a client pod on every node calls the Service's virtual IP. */
describeFeature(clusterIp, 'ClusterIP from a pod on every node', (current) => {
  let service: ServiceUnderTest;
  let endpoints: Endpoint[];
  let clients: ClientPod[];
  let targets: TrafficTarget[];

  test('1. deploy the app and a ClusterIP Service', async ({ lab, run }) => {
    await current().step('deploy', async () => {
      ({ service, endpoints } = await lab.deployBehind(CLUSTER_IP_SERVICE, CLUSTER_IP_MANIFEST, run.replicas));
      expect((await service.summary()).type).toBe('ClusterIP');
    });
  });

  test('2. a client pod on every node', async ({ kubectl, run, state }) => {
    await current().step('client-pods', async () => {
      clients = await ensureClientPods(kubectl, run.namespace, state.appImage, state.survey!.facts.nodes.map((n) => n.name));
      const { clusterIP } = await service.summary();
      targets = clients.map((c) => ({ node: c.node, address: clusterIP, port: APP_PORT }));
    });
  });

  test('3. POST /api/messages from every node to the ClusterIP, and judge every node', async ({ kubectl, run, log }) => {
    await current().step('traffic', async () => {
      const client = new PodTrafficClient(kubectl, run.namespace, new Map(clients.map((c) => [c.node, c.pod])));
      const silent = await awaitProgrammed(targets, 'world1', undefined, client);
      if (silent.length > 0) log.step(`no answer yet from the client pods on ${silent.join(', ')} after 30 s; measuring anyway`);
      const familyAlpha = featureFamilyAlpha(run.features);
      const { requestsPerNode, sizing } = requestsPerNodeFor(run.requestsPerNode, { nodes: targets.length, endpoints: endpoints.length }, { familyAlpha });
      const plan = { targets, requestsPerNode, concurrency: run.concurrency, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER };
      const records = await sendGuarded({ kubectl, namespace: run.namespace, selector: APP_SELECTOR, client, plan, log, what: 'client pods' });
      const target = hostPort(targets[0]!.address, APP_PORT);
      current().addTraffic(
        judgeTraffic({
          name: `ClusterIP ${target} from a pod on every node`,
          client: 'pod',
          sources: clients.map((c) => ({ node: c.node, target, label: `the client pod on ${c.node} (${c.ip} -> ${target})` })),
          endpoints,
          expected: () => endpoints.map((e) => e.pod),
          records,
          requestsPerNode,
          sizing,
          familyAlpha,
          idPrefix: `${clusterIp.slug}/`,
        }),
        records,
      );
    });
  });
});
