import { test, expect } from '../support/fixtures.js';
import { describeFeature } from '../support/feature-spec.js';
import { SESSION_AFFINITY_MANIFEST, SESSION_AFFINITY_SERVICE, sessionAffinity, TIMEOUT_NOT_CHECKED } from '../../harness/features/session-affinity/index.js';
import { affinityClients, requestsPerClient } from '../../harness/features/session-affinity/sizing.js';
import { judgeAffinity } from '../../harness/features/session-affinity/stickiness.js';
import { featureFamilyAlpha } from '../../harness/features/registry.js';
import { APP_SELECTOR } from '../../harness/lab/helloworld-lab.js';
import type { Endpoint } from '../../harness/queries/types.js';
import { sendGuarded } from '../../harness/run/guarded-traffic.js';
import { awaitProgrammed } from '../../harness/traffic/await-programmed.js';
import { ContainerTrafficClient } from '../../harness/traffic/container-client.js';
import { ManySourcesClient } from '../../harness/traffic/many-sources-client.js';
import { DEFAULT_TIMEOUT_MS, GIVE_UP_AFTER, hostPort, type TrafficTarget } from '../../harness/traffic/traffic-plan.js';

/** Session affinity by client IP: many clients, each with its own address, through every node. */
describeFeature(sessionAffinity, 'SessionAffinityClientIP: each client sticks to one endpoint, through every node', (current) => {
  let endpoints: Endpoint[];
  let targets: TrafficTarget[];
  let containers: ContainerTrafficClient[] = [];
  let clients: ManySourcesClient | undefined;
  let clientCount: number;
  let perClient: number;

  test.afterAll(async () => {
    await clients?.close();
  });

  test('1. deploy the app behind a NodePort Service with sessionAffinity ClientIP', async ({ lab, run, state }) => {
    await current().step('deploy', async () => {
      const deployed = await lab.deployBehind(SESSION_AFFINITY_SERVICE, SESSION_AFFINITY_MANIFEST, run.replicas);
      endpoints = deployed.endpoints;
      const service = deployed.service;
      const json = (await service.json()) as { spec: { sessionAffinity?: string } };
      expect(json.spec.sessionAffinity).toBe('ClientIP');
      const { nodePort } = await service.summary();
      targets = state.survey!.discovery.addressed.map((n) => ({ node: n.name, address: n.address, port: nodePort! }));
    });
  });

  test('2. clients with distinct source addresses: one container each on the cluster network', async ({ run, state, log }) => {
    await current().step('clients', async () => {
      const alpha = featureFamilyAlpha(run.features);
      clientCount = affinityClients(endpoints.length, targets.length, alpha);
      perClient = requestsPerClient(endpoints.length, targets.length, clientCount, alpha);
      current().note(
        `${clientCount} clients, ${perClient} requests each through each of ${targets.length} nodes: at alpha ${alpha.toPrecision(3)} over ${endpoints.length} endpoints, the clients of a node all land on one endpoint by luck with at most that probability, and a proxy that picks at random for every connection looks sticky to some client with at most that probability`,
      );
      current().note(TIMEOUT_NOT_CHECKED);
      log.step(`starting ${clientCount} client containers on ${state.info.dockerNetwork}`);
      const started = Date.now();
      const starting = Array.from({ length: clientCount }, () => ContainerTrafficClient.start(state.appImage, state.info.dockerNetwork!, run.runId));
      // Every start is awaited, even when one fails, so that afterAll removes every container.
      const settled = await Promise.allSettled(starting);
      containers = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value);
      clients = containers.length > 0 ? new ManySourcesClient(containers) : undefined;
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      expect(new Set(containers.map((c) => c.address)).size, 'every client container has an address of its own').toBe(clientCount);
      log.info(`${clientCount} client containers up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
  });

  test('3. through every node, each client sends its requests one after another; judge every node', async ({ kubectl, run, log }) => {
    await current().step('traffic', async () => {
      // One of the clients waits for the new NodePort to answer on every node (its first pick then is its affinity).
      const silent = await awaitProgrammed(targets, 'world1', undefined, clients!.sources[0]!);
      if (silent.length > 0) log.step(`no answer yet through ${silent.join(', ')} after 30 s; measuring anyway`);
      // Concurrency 1 per client: one connection at a time, as upstream's affinity test sends, so that
      // no two connections of one client race for its first pick.
      const plan = { targets, requestsPerNode: perClient, concurrency: 1, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER };
      const records = await sendGuarded({ kubectl, namespace: run.namespace, selector: APP_SELECTOR, client: clients!, plan, log, what: `nodes from each of ${clientCount} client containers` });
      const addresses = containers.map((c) => c.address).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      const { checks, figure } = judgeAffinity({
        records,
        nodes: targets.map((t) => ({ node: t.node, label: `node ${t.node} (${hostPort(t.address, t.port)})` })),
        clients: addresses,
        endpoints,
        requestsPerClient: perClient,
        idPrefix: `${sessionAffinity.slug}/`,
      });
      current().addChecks(checks);
      current().addRecords(records);
      current().figure(figure);
      log.info(`affinity: ${checks.filter((c) => c.status === 'pass').length} of ${checks.length} checks pass`);
    });
  });
});
