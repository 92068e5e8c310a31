import path from 'node:path';
import { parse } from 'yaml';
import { test, expect } from '../support/fixtures.js';
import { outcomeLines, runCli } from '../support/cli.js';
import type { FaultContext } from '../../harness/faults/feature-fault.js';
import { FEATURES } from '../../harness/features/registry.js';
import { featureNamespace } from '../../harness/features/feature-namespace.js';
import type { ConformanceReport } from '../../harness/report/conformance-report.js';
import { readReportJson } from '../../harness/report/report-reader.js';
import { readFileSync } from 'node:fs';
import { scratchDir } from '../support/scratch.js';

/**
 * Every feature can fail: on a cluster where the whole profile passed, break one feature on ONE
 * node, certify that feature, and require exit 1 with its checks failing on that node, and no
 * other node blamed. Each fault is cleared before the next feature runs; once all were, the whole
 * profile must pass again on every node, the victim included.
 */
test.describe.serial('every feature fails when broken on one node', () => {
  const namespace = 'kpc-faults';
  let victim: string;

  const certify = (kubeconfig: string, args: string[]) => {
    const reportDir = scratchDir('report');
    return runCli('certify', ['--kubeconfig', kubeconfig, '--namespace', namespace, '--keep', '--client', 'host', '--report-dir', reportDir, ...args]).then((result) => ({ ...result, reportDir }));
  };

  test.beforeAll(async ({ state }) => {
    test.skip(state.info.provider !== 'kind', 'faults are injected into kind node containers');
    victim = state.survey!.facts.nodes.filter((n) => n.schedulable).map((n) => n.name).sort().at(-1)!;
  });

  test.afterAll(async ({ kubectl }) => {
    const namespaces = [...new Set(FEATURES.map((f) => featureNamespace(f, namespace)))];
    await kubectl.run(['delete', 'namespace', ...namespaces, '--ignore-not-found', '--wait=false'], { check: false });
  });

  test('certify --profile all passes on the healthy cluster; its conformance report says so', async ({ state }) => {
    test.setTimeout(20 * 60_000);
    const result = await certify(state.info.kubeconfig, ['--profile', 'all']);
    expect(result.code, outcomeLines(result.stderr)).toBe(0);
    const report = readReportJson(result.reportDir);
    // Every feature can be tested on a kind cluster of this host: none may be skipped.
    expect(report.features.filter((f) => f.status !== 'pass').map((f) => `${f.id}: ${f.status} ${f.reason ?? ''}`)).toEqual([]);
    const conformance = parse(readFileSync(path.join(result.reportDir, 'conformance-report.yaml'), 'utf8')) as ConformanceReport;
    expect(conformance.profiles[0]!.core.result).toBe('success');
    expect(conformance.implementation.name).toBe('kube-proxy');
  });

  for (const feature of FEATURES) {
    test(`${feature.id}: a node that ${feature.fault.describe} fails it`, async ({ state, kubectl, run, log }) => {
      test.setTimeout(10 * 60_000);
      const why = feature.untestable(state.survey!.facts);
      test.skip(why !== null, why ?? '');
      const ctx: FaultContext = { kubectl, namespace: featureNamespace(feature, namespace), victim, replicas: run.replicas };
      const failing = await feature.fault.failing(ctx);
      log.step(`breaking ${feature.id} on ${victim}: it ${feature.fault.describe}`);
      await feature.fault.inject(ctx);
      try {
        const result = await certify(state.info.kubeconfig, ['--features', feature.id]);
        expect(result.code, outcomeLines(result.stderr)).toBe(1);
        const report = readReportJson(result.reportDir);
        const failed = report.checks.filter((c) => c.status === 'fail');
        for (const id of failing) expect(failed.map((c) => c.id), `report names ${id}`).toContain(id);
        const others = failed.filter((c) => c.node !== null && c.node !== victim);
        expect(others.map((c) => `${c.id}: ${c.message}`), 'no other node is blamed').toEqual([]);
      } finally {
        await feature.fault.clear(ctx);
      }
    });
  }

  test('with every fault removed, certify --profile all passes again, on the victim too', async ({ state }) => {
    test.setTimeout(20 * 60_000);
    const result = await certify(state.info.kubeconfig, ['--profile', 'all']);
    expect(result.code, outcomeLines(result.stderr)).toBe(0);
    const report = readReportJson(result.reportDir);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    expect(report.checks.filter((c) => c.node === victim && c.status === 'pass').length, `${victim} has passing checks`).toBeGreaterThan(0);
  });
});
