import { test, expect } from '../support/fixtures.js';
import { JqRunner } from '../../harness/queries/jq-runner.js';
import { LabRun } from '../../harness/run/lab-run.js';
import { APP_NAME, APP_PORT } from '../../harness/lab/helloworld-lab.js';
import { chooseClient } from '../../harness/traffic/choose-client.js';
import { DEFAULT_TIMEOUT_MS } from '../../harness/traffic/traffic-plan.js';
import { awaitProgrammed } from '../../harness/traffic/await-programmed.js';

/**
 * The NodePort lab, step by step, as a user would type it; the last two steps turn its claim
 * ("via any node's address, traffic reaches the service and is spread over all of its pods")
 * into a verdict per node and per endpoint.
 */
test.describe.serial('NodePort lab', () => {
  let labRun: LabRun;

  test.beforeAll(async ({ run, state }) => {
    labRun = new LabRun(run, state);
  });

  test.afterAll(async ({ log }, testInfo) => {
    const report = labRun.finish(testInfo.errors[0]?.message);
    log.step(`report: ${labRun.reportFile} (verdict ${report.verdict})`);
  });

  test('1. deploy helloworld and its ClusterIP Service', async ({ lab }) => {
    await labRun.step('deploy', async () => {
      await lab.deploy();
      await lab.waitForRollout();
      const service = (await JqRunner.load()).service(await lab.serviceJson());
      expect(service.type).toBe('ClusterIP');
      expect(service.ports[0]).toMatchObject({ port: APP_PORT, targetPort: 'http-server' });
    });
  });

  test('2. the ClusterIP Service answers inside the cluster', async ({ lab }) => {
    await labRun.step('cluster-ip', async () => {
      const service = await lab.serviceJson() as { spec: { clusterIP: string } };
      for (const target of [service.spec.clusterIP, APP_NAME]) {
        const reply = await lab.postFromInsideOnceProgrammed(target);
        expect(JSON.parse(reply.body ?? '{}')).toMatchObject({ sender: 'in-cluster', message: 'Hello in-cluster (direct)' });
      }
    });
  });

  test("3. patch the Service to NodePort (the lab's kubectl patch)", async ({ lab }) => {
    await labRun.step('patch', async () => {
      await lab.patchToNodePort();
      const service = (await JqRunner.load()).service(await lab.serviceJson());
      expect(service.type).toBe('NodePort');
      labRun.nodePort = service.nodePort;
    });
  });

  test('4. apply helloworld-service-nodeport.yaml: the same Service, its nodePort kept', async ({ lab }) => {
    await labRun.step('apply-nodeport-file', async () => {
      await lab.applyNodePortManifest();
      const service = (await JqRunner.load()).service(await lab.serviceJson());
      expect(service.type).toBe('NodePort');
      expect(service.nodePort).toBe(labRun.nodePort);
    });
  });

  test('5. describe: type NodePort, a nodePort in 30000-32767, endpoints are the ready pods', async ({ lab }) => {
    await labRun.step('describe', async () => {
      const jq = await JqRunner.load();
      await lab.waitForReadyEndpoints(await lab.replicas(), (slices) => jq.endpoints(slices).ready.length);
      const endpoints = jq.endpoints(await lab.endpointSlicesJson()).ready;
      const described = await lab.describeService();
      expect(described).toMatch(/^Type:\s+NodePort$/m);
      const nodePort = Number(/^NodePort:\s+\S*\s+(\d+)\/TCP$/m.exec(described)?.[1]);
      expect(nodePort).toBeGreaterThanOrEqual(30000);
      expect(nodePort).toBeLessThanOrEqual(32767);
      const listed = /^Endpoints:\s+(.*)$/m.exec(described)?.[1]?.split(',').map((s) => s.trim()).sort();
      expect(listed).toEqual(endpoints.map((e) => `${e.ip}:${APP_PORT}`).sort());
      labRun.endpoints = endpoints;
    });
  });

  test("6. find every node's address and the NodePort with jq", async ({ lab }) => {
    await labRun.step('discover', async () => {
      const jq = await JqRunner.load();
      const nodeList = await lab.nodesJson();
      const discovery = jq.nodeAddresses(nodeList);
      const nodePort = jq.labNodePort(await lab.serviceJson());
      expect(nodePort, 'the lab query .spec.ports[0].nodePort').toBe(labRun.nodePort);
      expect(discovery.unaddressed, 'nodes with no usable address').toEqual([]);
      expect(discovery.addressed.length).toBeGreaterThan(0);
      labRun.discover(discovery, jq.labFirstNodeExternalIps(nodeList));
    });
  });

  test("7. POST /api/messages through every node's NodePort", async ({ run, state, log }) => {
    await labRun.step('traffic', async () => {
      const targets = labRun.targets();
      const silent = await awaitProgrammed(targets, 'world1');
      if (silent.length > 0) log.step(`no answer yet from ${silent.join(', ')} after 30 s; measuring anyway`);
      const client = await chooseClient(run.client, { runId: run.runId, appImage: state.appImage, dockerNetwork: state.info.dockerNetwork, targets });
      try {
        log.step(`sending ${run.requestsPerNode} requests to each of ${targets.length} nodes from the ${client.kind} client, each on a new connection`);
        let reported = 0;
        const records = await client.send(
          { targets, requestsPerNode: run.requestsPerNode, concurrency: run.concurrency, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1' },
          (done, total) => {
            if (done === total || done - reported >= total / 4) {
              reported = done;
              log.info(`${done}/${total} requests`);
            }
          },
        );
        labRun.recordTraffic(client.kind, records);
      } finally {
        await client.close();
      }
    });
  });

  test('8. every node forwards to every endpoint, evenly', async () => {
    const report = labRun.judge();
    await test.info().attach('heatmap', { path: labRun.heatmapFile, contentType: 'text/html' });
    for (const node of report.nodes) {
      await test.step(`node ${node.name} (${node.address})`, async () => {
        for (const check of report.checks.filter((c) => c.node === node.name)) {
          expect.soft(check.status, `${check.id}: ${check.message}`).not.toBe('fail');
        }
      });
    }
    for (const check of report.checks.filter((c) => c.node === null)) {
      expect.soft(check.status, `${check.id}: ${check.message}`).not.toBe('fail');
    }
  });
});
