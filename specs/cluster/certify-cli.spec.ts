import os from 'node:os';
import path from 'node:path';
import { test, expect } from '../support/fixtures.js';
import { runCli } from '../support/cli.js';
import { measurementOf, readReportJson } from '../../harness/report/report-reader.js';
import { hostHasIpvs, IPVS_NOT_TESTABLE } from '../../harness/cluster/proxy-mode.js';
import { sizeRun } from '../../harness/stats/sizing.js';
import { expectReportPage } from '../support/report-page.js';
import { namespaceMeta } from '../../harness/lab/namespace-guard.js';
import { scratchDir } from '../support/scratch.js';
import { EACH_MODE } from '../support/tags.js';

/** `npm run certify` against this profile's live cluster, as a user would run it with --kubeconfig. */
test.describe('certify --kubeconfig on the live cluster', () => {
  test('passes with the other traffic client too; its report pages read right in a browser', async ({ state, run, page }) => {
    const client = run.client === 'container' ? 'host' : 'container';
    const reportDir = scratchDir('report');
    const result = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', run.namespace, '--client', client, '--report-dir', reportDir]);
    expect(result.code, result.stderr.split('\n').slice(-5).join('\n')).toBe(0);
    const report = readReportJson(reportDir);
    expect(report).toMatchObject({ verdict: 'pass', proxyMode: state.info.proxyMode });
    expect(measurementOf(report).client).toBe(client);
    if (!hostHasIpvs()) expect(report.notes, 'ipvs is reported as not testable, never passed silently').toContain(IPVS_NOT_TESTABLE);
    expect(report.checks.every((c) => c.status === 'pass'), 'a pass is made of passed checks only').toBe(true);
    const nodePort = measurementOf(report);
    expect(nodePort.sizing?.detectableRelativeDeviation, 'the report states what the run could detect').toBeLessThanOrEqual(nodePort.sizing!.materialRelative);
    for (const tally of Object.values(nodePort.traffic)) expect(tally).toMatchObject({ sent: tally.planned, answered: tally.planned, failed: 0 });
    for (const node of report.nodes) {
      for (const endpoint of nodePort.endpoints) expect(nodePort.matrix[node.name]?.[endpoint.pod], `${node.name} -> ${endpoint.pod}`).toBeGreaterThan(0);
    }
    await expectReportPage(page, path.join(reportDir, 'heatmap.html'), report);
    // certify runs the lab's steps in its own process, and says so as it goes.
    expect(result.stderr).toContain("NodePort 7. POST /api/messages through every node's NodePort");
  });

  test('refuses --requests below the minimum for the cluster\'s shape, naming the minimum, before anything is made', { tag: EACH_MODE }, async ({ state, kubectl }) => {
    const nodes = (await kubectl.json<{ items: unknown[] }>(['get', 'nodes'])).items.length;
    const { minimum, recommended } = sizeRun({ nodes, endpoints: 3 });
    const namespace = 'kpc-too-small';
    const result = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', namespace, '--requests', String(minimum - 1), '--report-dir', path.join(os.tmpdir(), 'kpc-unused')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `error: --requests ${minimum - 1} is below the minimum of ${minimum} per node for ${nodes} nodes and 3 endpoints: pass --requests ${minimum} or more, or drop it for the recommended ${recommended}`,
    );
    expect(await namespaceMeta(kubectl, namespace), 'no namespace made').toBeUndefined();
  });

  test("refuses a namespace holding someone else's objects, and leaves them alone", async ({ state, kubectl }) => {
    const namespace = 'kpc-someone-else';
    await kubectl.run(['create', 'namespace', namespace], { check: false });
    await kubectl.run(['create', 'configmap', 'theirs', '--namespace', namespace, '--from-literal=owner=someone'], { check: false });
    try {
      const result = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', namespace, '--report-dir', path.join(os.tmpdir(), 'kpc-unused')]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toMatch(/^error: namespace "kpc-someone-else" holds objects this harness did not make \(configmap\/theirs\): pass --namespace/);
      expect((await kubectl.text(['get', 'configmap', 'theirs', '--namespace', namespace, '-o', 'jsonpath={.data.owner}']))).toBe('someone');
    } finally {
      await kubectl.run(['delete', 'namespace', namespace, '--wait=false'], { check: false });
    }
  });

  test('refuses --proxy-mode that is not the mode the cluster runs', async ({ state }) => {
    const other = state.info.proxyMode === 'iptables' ? 'nftables' : 'iptables';
    const result = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--proxy-mode', other, '--report-dir', path.join(os.tmpdir(), 'kpc-unused')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`error: the cluster runs proxy mode "${state.info.proxyMode}", not "${other}": drop --proxy-mode, or point --kubeconfig at a cluster running that mode`);
  });
});
