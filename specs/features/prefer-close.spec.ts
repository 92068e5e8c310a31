import { test, expect } from '../support/fixtures.js';
import { describeFeature } from '../support/feature-spec.js';
import { PREFER_CLOSE_MANIFEST, PREFER_CLOSE_SERVICE, preferClose } from '../../harness/features/prefer-close/index.js';
import { hintProblems, zoneCheck, zonedEndpoints, zoneExpectations, zonesWithEndpoints, type ZonedEndpoint, type ZoneExpectation } from '../../harness/features/prefer-close/zones.js';
import { featureFamilyAlpha } from '../../harness/features/registry.js';
import { ensureClientPods, type ClientPod } from '../../harness/lab/client-pods.js';
import { APP_PORT, APP_SELECTOR } from '../../harness/lab/helloworld-lab.js';
import type { ServiceUnderTest } from '../../harness/lab/service-under-test.js';
import { judgeTraffic } from '../../harness/report/judge-traffic.js';
import { sendGuarded } from '../../harness/run/guarded-traffic.js';
import { requestsPerSourceFor } from '../../harness/run/requests-per-node.js';
import { awaitProgrammed } from '../../harness/traffic/await-programmed.js';
import { PodTrafficClient } from '../../harness/traffic/pod-client.js';
import { matrixFromRecords } from '../../harness/traffic/traffic-matrix.js';
import { DEFAULT_TIMEOUT_MS, GIVE_UP_AFTER, hostPort, type TrafficTarget } from '../../harness/traffic/traffic-plan.js';
import { notYet, waitFor } from '../../harness/util/wait.js';

/**
 * How long the EndpointSlice controller may take to hint a new Service's endpoints: it writes the
 * hints with the slice itself (trafficdist.ReconcileHints runs on the slices it creates), so they
 * are there at once; 30 s is upstream's bound for the endpoints of a Service to follow a change.
 */
const HINTS_TIMEOUT_MS = 30_000;

/** PreferClose: clients are answered from their own zone when it holds an endpoint. */
describeFeature(preferClose, 'TrafficDistributionPreferClose: answered from the client\'s own zone', (current) => {
  let service: ServiceUnderTest;
  let endpoints: ZonedEndpoint[];
  let expectations: ZoneExpectation[];
  let clients: ClientPod[];
  let targets: TrafficTarget[];

  test('1. deploy the app and a ClusterIP Service with trafficDistribution PreferClose', async ({ lab, run }) => {
    await current().step('deploy', async () => {
      ({ service } = await lab.deployBehind(PREFER_CLOSE_SERVICE, PREFER_CLOSE_MANIFEST, run.replicas));
      const json = (await service.json()) as { spec: { trafficDistribution?: string } };
      expect(json.spec.trafficDistribution, 'the API server kept trafficDistribution').toBe('PreferClose');
    });
  });

  test('2. the endpoints are in at least 2 zones, each hinted for its own zone', async ({ state }) => {
    const layout = await current().step('zones', async () => {
      endpoints = zonedEndpoints(await service.endpointSlicesJson());
      const where = endpoints.map((e) => `${e.pod} on ${e.node} (${e.zone ?? 'no zone'})`).join(', ');
      if (endpoints.some((e) => e.zone === null)) return `endpoints on nodes without a zone, so no proxy may prefer zones: ${where}`;
      if (zonesWithEndpoints(endpoints).length < 2) return `the app's endpoints are all in one zone: ${where}`;
      return null;
    });
    if (layout) current().skip(layout);
    test.skip(layout !== null, layout ?? '');
    await current().step('hints', async () => {
      endpoints = await waitFor(
        async () => {
          const now = zonedEndpoints(await service.endpointSlicesJson());
          const problems = hintProblems(now);
          return problems.length === 0 ? now : notYet(problems.join('; '));
        },
        { what: `every endpoint of ${PREFER_CLOSE_SERVICE} hinted for its own zone`, timeoutMs: HINTS_TIMEOUT_MS, intervalMs: 500 },
      );
      expectations = zoneExpectations(state.survey!.facts.nodes.map((n) => ({ name: n.name, zone: n.zone })), endpoints);
      const zones = zonesWithEndpoints(endpoints);
      current().note(`endpoints by zone, each hinted for its own: ${zones.map((z) => `${z}: ${endpoints.filter((e) => e.zone === z).map((e) => `${e.pod} on ${e.node}`).join(', ')}`).join('; ')}`);
    });
  });

  test('3. a client pod on every node', async ({ kubectl, run, state }) => {
    await current().step('client-pods', async () => {
      clients = await ensureClientPods(kubectl, run.namespace, state.appImage, expectations.map((e) => e.node));
      const { clusterIP } = await service.summary();
      targets = clients.map((c) => ({ node: c.node, address: clusterIP, port: APP_PORT }));
    });
  });

  test('4. POST /api/messages from every node to the ClusterIP, and judge every node by its zone', async ({ kubectl, run, log }) => {
    await current().step('traffic', async () => {
      const client = new PodTrafficClient(kubectl, run.namespace, new Map(clients.map((c) => [c.node, c.pod])));
      const silent = await awaitProgrammed(targets, 'world1', undefined, client);
      if (silent.length > 0) log.step(`no answer yet from the client pods on ${silent.join(', ')} after 30 s; measuring anyway`);
      const familyAlpha = featureFamilyAlpha(run.features);
      const expectedOf = (node: string) => expectations.find((e) => e.node === node)!.expected;
      const { requestsPerNode, sizing } = requestsPerSourceFor(run.requestsPerNode, targets.map((t) => expectedOf(t.node).length), false, { familyAlpha });
      const plan = { targets, requestsPerNode, concurrency: run.concurrency, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER };
      const records = await sendGuarded({ kubectl, namespace: run.namespace, selector: APP_SELECTOR, client, plan, log, what: 'client pods' });
      const target = hostPort(targets[0]!.address, APP_PORT);
      const label = (c: ClientPod) => `the client pod on ${c.node} (${c.ip} -> ${target})`;
      current().addChecks(expectations.map((e) => zoneCheck(e, records, endpoints, label(clients.find((c) => c.node === e.node)!), `${preferClose.slug}/`)));
      current().addTraffic(
        judgeTraffic({
          name: `ClusterIP ${target} with trafficDistribution PreferClose, from a pod on every node`,
          client: 'pod',
          sources: clients.map((c) => ({ node: c.node, target, label: label(c) })),
          endpoints: endpoints.map(({ pod, ip, node }) => ({ pod, ip, node })),
          expected: expectedOf,
          records,
          requestsPerNode,
          sizing,
          familyAlpha,
          idPrefix: `${preferClose.slug}/`,
        }),
        records,
      );
      const matrix = matrixFromRecords(records, targets.map((t) => t.node));
      current().figure({
        title: 'Answers per client node and endpoint, with their zones (trafficDistribution PreferClose)',
        columns: ['client node', 'client zone', 'endpoint', 'endpoint zone', 'answers'],
        rows: expectations.flatMap((e) => endpoints.map((ep) => [e.node, e.zone, ep.pod, ep.zone, matrix[e.node]?.[ep.pod] ?? 0])),
      });
    });
  });
});
