import { test, expect } from '../support/fixtures.js';
import { runCli } from '../support/cli.js';
import { NodeFaultInjector } from '../../harness/faults/node-fault-injector.js';
import { HelloworldLab, APP_PORT } from '../../harness/lab/helloworld-lab.js';
import { claimNamespace } from '../../harness/lab/namespace-guard.js';
import { JqRunner } from '../../harness/queries/jq-runner.js';
import { measurementOf, readReportJson } from '../../harness/report/report-reader.js';
import type { Endpoint } from '../../harness/queries/types.js';
import { scratchDir } from '../support/scratch.js';
import { EACH_MODE } from '../support/tags.js';

/** Certify with as many endpoints as a real service has: 8 replicas, healthy and with one node using only 7. */
test.describe('--replicas 8', { tag: EACH_MODE }, () => {
  const namespace = 'kpc-replicas';
  let endpoints: Endpoint[];

  test.beforeAll(async ({ kubectl }) => {
    // Deployed first, so the fault below can name the endpoints; certify applies the same and keeps the pods.
    await claimNamespace(kubectl, namespace);
    const lab = new HelloworldLab(kubectl, namespace);
    await lab.deploy(8);
    await lab.waitForRollout();
    endpoints = await lab.waitForReadyEndpoints(8);
  });

  test.afterAll(async ({ kubectl }) => {
    await kubectl.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false'], { check: false });
  });

  const certify = (kubeconfig: string, reportDir: string) =>
    runCli('certify', ['--kubeconfig', kubeconfig, '--namespace', namespace, '--replicas', '8', '--client', 'host', '--report-dir', reportDir, '--keep']);

  test('a healthy cluster passes with 8 endpoints', async ({ state }) => {
    const reportDir = scratchDir('report');
    const result = await certify(state.info.kubeconfig, reportDir);
    expect(result.code, result.stderr.split('\n').slice(-5).join('\n')).toBe(0);
    const report = readReportJson(reportDir);
    const nodePort = measurementOf(report);
    expect(nodePort.endpoints).toHaveLength(8);
    expect(nodePort.sizing).toMatchObject({ endpoints: 8, nodes: report.nodes.length });
    expect(nodePort.requestsPerNode).toBe(nodePort.sizing!.recommended);
    expect(nodePort.sizing!.detectableRelativeDeviation!).toBeLessThanOrEqual(nodePort.sizing!.materialRelative);
  });

  test('a node that sends to only 7 of the 8 endpoints fails, naming the node and the endpoint', async ({ state, kubectl, log }) => {
    test.skip(state.info.provider !== 'kind', 'faults are injected into kind node containers');
    const nodes = (await JqRunner.load()).nodeAddresses(await kubectl.json(['get', 'nodes'])).addressed;
    const victim = nodes.filter((n) => !n.name.endsWith('control-plane')).sort((a, b) => a.name.localeCompare(b.name)).at(-1)!.name;
    const excluded = endpoints[0]!;
    const injector = new NodeFaultInjector(victim);
    log.step(`breaking the proxy on ${victim}: it never sends to ${excluded.pod} (${excluded.ip}), one of 8`);
    await injector.inject({ kind: 'exclude-endpoint', excluded, endpoints }, APP_PORT);
    try {
      const reportDir = scratchDir('report');
      const result = await certify(state.info.kubeconfig, reportDir);
      expect(result.code, result.stderr.split('\n').slice(-5).join('\n')).toBe(1);
      const failed = readReportJson(reportDir).checks.filter((c) => c.status === 'fail');
      expect(failed.map((c) => c.id)).toContain(`reach/${victim}/${excluded.pod}`);
      expect(failed.filter((c) => c.node !== null && c.node !== victim).map((c) => c.id), 'no other node is blamed').toEqual([]);
    } finally {
      await injector.clear();
    }
  });
});
