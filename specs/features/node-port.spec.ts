import { test, expect } from '../support/fixtures.js';
import { describeFeature } from '../support/feature-spec.js';
import { nodePort } from '../../harness/features/node-port/index.js';
import { featureFamilyAlpha } from '../../harness/features/registry.js';
import { APP_NAME, APP_PORT, APP_SELECTOR } from '../../harness/lab/helloworld-lab.js';
import { JqRunner } from '../../harness/queries/jq-runner.js';
import type { Endpoint, NodeDiscovery } from '../../harness/queries/types.js';
import { judgeTraffic } from '../../harness/report/judge-traffic.js';
import { sendGuarded } from '../../harness/run/guarded-traffic.js';
import { requestsPerNodeFor } from '../../harness/run/requests-per-node.js';
import { awaitProgrammed } from '../../harness/traffic/await-programmed.js';
import { chooseClient } from '../../harness/traffic/choose-client.js';
import { DEFAULT_TIMEOUT_MS, GIVE_UP_AFTER, hostPort } from '../../harness/traffic/traffic-plan.js';

/**
 * The NodePort lab, step by step, as a user would type it; the last two steps turn its claim
 * ("via any node's address, traffic reaches the service and is spread over all of its pods")
 * into a verdict per node and per endpoint.
 */
describeFeature(nodePort, 'NodePort lab', (current) => {
  let port: number;
  let endpoints: Endpoint[];
  let discovery: NodeDiscovery;

  test('1. deploy helloworld and its ClusterIP Service', async ({ lab, run }) => {
    await current().step('deploy', async () => {
      await lab.deploy(run.replicas);
      await lab.waitForRollout();
      const service = (await JqRunner.load()).service(await lab.serviceJson());
      expect(service.type).toBe('ClusterIP');
      expect(service.ports[0]).toMatchObject({ port: APP_PORT, targetPort: 'http-server' });
    });
  });

  test('2. the ClusterIP Service answers inside the cluster', async ({ lab }) => {
    await current().step('cluster-ip', async () => {
      const service = (await lab.serviceJson()) as { spec: { clusterIP: string } };
      for (const reply of await lab.postFromInsideOnceProgrammed([service.spec.clusterIP, APP_NAME])) {
        expect(JSON.parse(reply.body ?? '{}')).toMatchObject({ sender: 'in-cluster', message: 'Hello in-cluster (direct)' });
      }
    });
  });

  test("3. patch the Service to NodePort (the lab's kubectl patch)", async ({ lab }) => {
    await current().step('patch', async () => {
      await lab.patchToNodePort();
      const service = (await JqRunner.load()).service(await lab.serviceJson());
      expect(service.type).toBe('NodePort');
      port = service.nodePort!;
    });
  });

  test('4. apply helloworld-service-nodeport.yaml: the same Service, its nodePort kept', async ({ lab }) => {
    await current().step('apply-nodeport-file', async () => {
      await lab.applyNodePortManifest();
      const service = (await JqRunner.load()).service(await lab.serviceJson());
      expect(service.type).toBe('NodePort');
      expect(service.nodePort).toBe(port);
    });
  });

  test('5. describe: type NodePort, a nodePort in 30000-32767, endpoints are the ready pods', async ({ lab }) => {
    await current().step('describe', async () => {
      endpoints = await lab.waitForReadyEndpoints(await lab.replicas());
      const described = await lab.describeService();
      expect(described).toMatch(/^Type:\s+NodePort$/m);
      const describedPort = Number(/^NodePort:\s+\S*\s+(\d+)\/TCP$/m.exec(described)?.[1]);
      expect(describedPort).toBeGreaterThanOrEqual(30000);
      expect(describedPort).toBeLessThanOrEqual(32767);
      // kubectl lists at most 3 endpoints, then "+ N more...".
      const [, list = '', more = '0'] = /^Endpoints:\s+(.*?)(?: \+ (\d+) more\.\.\.)?$/m.exec(described) ?? [];
      const listed = list.split(',').map((s) => s.trim()).sort();
      const ready = endpoints.map((e) => `${e.ip}:${APP_PORT}`);
      expect(listed.length + Number(more), 'endpoints described').toBe(ready.length);
      for (const address of listed) expect(ready, 'a described endpoint is a ready one').toContain(address);
    });
  });

  test("6. find every node's address and the NodePort with jq", async ({ lab, run }) => {
    await current().step('discover', async () => {
      const jq = await JqRunner.load();
      const nodeList = await lab.nodesJson();
      discovery = jq.nodeAddresses(nodeList, run.addressType);
      expect(jq.labNodePort(await lab.serviceJson()), 'the lab query .spec.ports[0].nodePort').toBe(port);
      expect(discovery.unaddressed, 'nodes with no usable address').toEqual([]);
      expect(discovery.addressed.length).toBeGreaterThan(0);
      if (jq.labFirstNodeExternalIps(nodeList).length === 0) {
        current().note("the lab's ExternalIP query finds nothing on these nodes (kind nodes have none); each node's InternalIP was used");
      }
    });
  });

  test("7. POST /api/messages through every node's NodePort, and judge every node", async ({ run, state, log, lab }) => {
    await current().step('traffic', async () => {
      const targets = discovery.addressed.map((n) => ({ node: n.name, address: n.address, port }));
      const familyAlpha = featureFamilyAlpha(run.features);
      const { requestsPerNode, sizing } = requestsPerNodeFor(run.requestsPerNode, { nodes: targets.length, endpoints: endpoints.length }, { familyAlpha });
      const silent = await awaitProgrammed(targets, 'world1');
      if (silent.length > 0) log.step(`no answer yet from ${silent.join(', ')} after 30 s; measuring anyway`);
      const client = await chooseClient(run.client, { runId: run.runId, appImage: state.appImage, dockerNetwork: state.info.dockerNetwork, targets });
      try {
        const plan = { targets, requestsPerNode, concurrency: run.concurrency, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER };
        const records = await sendGuarded({ kubectl: lab.kubectl, namespace: run.namespace, selector: APP_SELECTOR, client, plan, log, what: 'nodes' });
        const judged = judgeTraffic({
          name: `NodePort ${port} through every node`,
          client: client.kind,
          sources: targets.map((t) => ({ node: t.node, target: hostPort(t.address, port), label: `node ${t.node} (${hostPort(t.address, port)})` })),
          unreachable: discovery.unaddressed,
          endpoints,
          expected: () => endpoints.map((e) => e.pod),
          records,
          requestsPerNode,
          sizing,
          familyAlpha,
          idPrefix: '',
        });
        current().addTraffic(judged, records);
      } finally {
        await client.close();
      }
    });
  });
});
