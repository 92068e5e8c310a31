import { test, expect } from '../support/fixtures.js';
import { describeFeature } from '../support/feature-spec.js';
import { ITP_LOCAL_MANIFEST, ITP_LOCAL_SERVICE, internalTrafficPolicyLocal as itpLocal } from '../../harness/features/itp-local/index.js';
import { featureFamilyAlpha } from '../../harness/features/registry.js';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../harness/kube/bounds.js';
import { ensureClientPods, type ClientPod } from '../../harness/lab/client-pods.js';
import { APP_PORT, APP_SELECTOR } from '../../harness/lab/helloworld-lab.js';
import { endpointsByNode } from '../../harness/lab/local-endpoints.js';
import type { ServiceUnderTest } from '../../harness/lab/service-under-test.js';
import type { Endpoint } from '../../harness/queries/types.js';
import { judgeTraffic } from '../../harness/report/judge-traffic.js';
import { unreachedCheck } from '../../harness/report/unreached-check.js';
import { sendGuarded } from '../../harness/run/guarded-traffic.js';
import { requestsPerSourceFor } from '../../harness/run/requests-per-node.js';
import { awaitProgrammed } from '../../harness/traffic/await-programmed.js';
import { PodTrafficClient } from '../../harness/traffic/pod-client.js';
import { DEFAULT_TIMEOUT_MS, GIVE_UP_AFTER, hostPort, type TrafficTarget } from '../../harness/traffic/traffic-plan.js';
import { probeUnreached } from '../../harness/traffic/unreached.js';
import { UNREACHED_PROBES } from '../../harness/stats/unreached-probes.js';

const { slug } = itpLocal;

/** internalTrafficPolicy Local, from a client pod on every node: answers come from the pod's own node, or not at all. */
describeFeature(itpLocal, 'InternalTrafficPolicyLocal: from a pod on every node, only endpoints on that node', (current) => {
  let service: ServiceUnderTest;
  let endpoints: Endpoint[];
  let local: Map<string, Endpoint[]>;
  let clusterIP: string;
  let clients: ClientPod[];
  let holding: ClientPod[];
  let empty: ClientPod[];
  let pods: PodTrafficClient;

  const from = (c: ClientPod) => `the client pod on ${c.node} (${c.ip} -> ${hostPort(clusterIP, APP_PORT)})`;
  const targets = (nodes: ClientPod[]): TrafficTarget[] => nodes.map((c) => ({ node: c.node, address: clusterIP, port: APP_PORT }));

  test('1. deploy the app and a ClusterIP Service with internalTrafficPolicy Local', async ({ lab, run }) => {
    await current().step('deploy', async () => {
      ({ service, endpoints } = await lab.deployBehind(ITP_LOCAL_SERVICE, ITP_LOCAL_MANIFEST, run.replicas));
      const json = (await service.json()) as { spec: { type: string; internalTrafficPolicy?: string } };
      expect(json.spec).toMatchObject({ type: 'ClusterIP', internalTrafficPolicy: 'Local' });
      clusterIP = (await service.summary()).clusterIP;
    });
  });

  test('2. a client pod on every node; see which nodes hold endpoints', async ({ kubectl, run, state }) => {
    await current().step('client-pods', async () => {
      clients = await ensureClientPods(kubectl, run.namespace, state.appImage, state.survey!.facts.nodes.map((n) => n.name));
      local = endpointsByNode(endpoints, clients.map((c) => c.node));
      holding = clients.filter((c) => local.get(c.node)!.length > 0);
      empty = clients.filter((c) => local.get(c.node)!.length === 0);
      pods = new PodTrafficClient(kubectl, run.namespace, new Map(clients.map((c) => [c.node, c.pod])));
      current().note(`endpoints per node: ${clients.map((c) => `${c.node} ${local.get(c.node)!.length}`).join(', ')}; ClusterIP ${clusterIP}`);
    });
    if (holding.length === 0 || empty.length === 0) {
      const reason = holding.length === 0 ? 'no node with a client pod holds an endpoint' : `every node holds one of the ${endpoints.length} endpoints, so none can show that it forwards nothing`;
      current().skip(reason);
      test.skip(true, reason);
    }
  });

  test('3. POST from every node that holds endpoints to the ClusterIP: only its own answer, evenly', async ({ kubectl, run, log }) => {
    await current().step('traffic', async () => {
      const sending = targets(holding);
      const silent = await awaitProgrammed(sending, 'world1', undefined, pods);
      if (silent.length > 0) log.step(`no answer yet from the client pods on ${silent.join(', ')} after 30 s; measuring anyway`);
      const familyAlpha = featureFamilyAlpha(run.features);
      // Each node spreads over its own endpoints only: sized for the node with the most.
      const { requestsPerNode, sizing } = requestsPerSourceFor(run.requestsPerNode, holding.map((c) => local.get(c.node)!.length), false, { familyAlpha });
      const plan = { targets: sending, requestsPerNode, concurrency: run.concurrency, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER };
      const records = await sendGuarded({ kubectl, namespace: run.namespace, selector: APP_SELECTOR, client: pods, plan, log, what: 'client pods on nodes that hold endpoints' });
      const target = hostPort(clusterIP, APP_PORT);
      current().addTraffic(
        judgeTraffic({
          name: `ClusterIP ${target} (internalTrafficPolicy Local) from a pod on every node that holds endpoints`,
          client: 'pod',
          sources: holding.map((c) => ({ node: c.node, target, label: from(c) })),
          endpoints,
          expected: (node) => local.get(node)!.map((e) => e.pod),
          records,
          requestsPerNode,
          sizing,
          familyAlpha,
          idPrefix: `${slug}/`,
        }),
        records,
      );
    });
  });

  test('4. from every node that holds no endpoint, no connection to the ClusterIP reaches a pod', async () => {
    await current().step('no-local-endpoint', async () => {
      const changedAt = await service.lastChangedAt();
      const started = Date.now();
      const probes = await probeUnreached(pods, targets(empty), changedAt + PROXY_PROGRAMMING_TIMEOUT_MS, UNREACHED_PROBES);
      const span = `(probed over ${((Date.now() - started) / 1000).toFixed(1)} s, until ${((Date.now() - changedAt) / 1000).toFixed(1)} s after the Service or its endpoints last changed)`;
      current().addChecks(
        empty.map((c) =>
          unreachedCheck({
            id: `${slug}/no-local-endpoint/${c.node}`,
            node: c.node,
            label: from(c),
            records: probes.filter((r) => r.node === c.node),
            span,
            rule: 'under internalTrafficPolicy Local a pod on a node without an endpoint must not be sent to another node',
          }),
        ),
      );
    });
  });
});
