import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { test, expect } from '../support/fixtures.js';
import { outcomeLines, runCli } from '../support/cli.js';
import type { FaultContext } from '../../harness/faults/feature-fault.js';
import { featureFaultTable } from '../../harness/faults/proxy-fault.js';
import type { Feature } from '../../harness/features/feature.js';
import { FEATURES, PROFILES } from '../../harness/features/registry.js';
import { featureNamespace } from '../../harness/features/feature-namespace.js';
import type { ConformanceReport } from '../../harness/report/conformance-report.js';
import { readReportJson } from '../../harness/report/report-reader.js';
import type { Report } from '../../harness/report/report-types.js';
import { LeastPrivilegeAccount } from '../support/least-privilege-account.js';
import { scratchDir } from '../support/scratch.js';

/**
 * Every feature can fail: on the shared cluster, where the features project certified every
 * feature (and kept its Services), break features on ONE node, certify them there, and require
 * exit 1 with each one's checks failing on that node, and no other node blamed. The faults that
 * take only their own feature's Services (each in an nft table of its own) stand on the node
 * together, certified in one run; a fault that reaches further (every NodePort, the whole proxy)
 * is certified alone. Once every fault was cleared, the whole profile must pass again on every
 * node, the victim included, as the least-privilege ServiceAccount of `certify --print-rbac`, in
 * namespaces of its own: it leaves nothing open and no report holds its token.
 */
test.describe.serial('every feature fails when broken on one node', () => {
  const account = new LeastPrivilegeAccount('kpc-faults', PROFILES.all);
  const together = FEATURES.filter((f) => !f.fault.exclusive);
  const alone = FEATURES.filter((f) => f.fault.exclusive);
  let victim: string;
  /** The run with every fault of `together` on the victim: its report, and the checks each fault must fail. */
  let joint: { report: Report; failing: Map<string, string[]> } | undefined;

  const certify = (kubeconfig: string, namespace: string, args: string[]) => {
    const reportDir = scratchDir('report');
    return runCli('certify', ['--kubeconfig', kubeconfig, '--namespace', namespace, '--client', 'host', '--report-dir', reportDir, ...args]).then((result) => ({ ...result, reportDir }));
  };
  const failedChecks = (report: Report) => report.checks.filter((c) => c.status === 'fail');
  const othersBlamed = (report: Report) => failedChecks(report).filter((c) => c.node !== null && c.node !== victim).map((c) => `${c.id}: ${c.message}`);

  test.beforeAll(async ({ state, kubectl, run, log }) => {
    test.setTimeout(20 * 60_000);
    test.skip(state.info.provider !== 'kind', 'faults are injected into kind node containers');
    victim = state.survey!.facts.nodes.filter((n) => n.schedulable).map((n) => n.name).sort().at(-1)!;
    // The faults are made on the Services the features project kept in the run's namespaces;
    // with that project not run first (this spec alone), certify makes them and keeps them.
    const missing = [];
    for (const feature of together.filter((f) => f.untestable(state.survey!.facts) === null)) {
      const services = await kubectl.text(['get', 'services', '-o', 'name'], { namespace: featureNamespace(feature, run.namespace) }).catch(() => '');
      if (services.trim() === '') missing.push(feature.id);
    }
    if (missing.length > 0) {
      log.step(`deploying the Services of ${missing.join(', ')} (the features project did not run first)`);
      const result = await certify(state.info.kubeconfig, run.namespace, ['--features', missing.join(','), '--keep']);
      expect(result.code, outcomeLines(result.stderr)).toBe(0);
    }
    // The namespaces of the last run are the admin's from the start, as a cluster owner would make them.
    await account.create(kubectl);
  });

  // The namespaces are in the account's objects: they go with it.
  test.afterAll(async ({ kubectl }) => {
    await account.delete(kubectl);
  });

  function faultContext(feature: Feature, fixtures: { kubectl: FaultContext['kubectl']; run: { replicas: number; namespace: string } }): FaultContext {
    return { kubectl: fixtures.kubectl, namespace: featureNamespace(feature, fixtures.run.namespace), victim, replicas: fixtures.run.replicas, table: featureFaultTable(feature.slug) };
  }

  test(`the faults of ${together.map((f) => f.id).join(', ')} on one node at once: exit 1, no other node blamed`, async ({ state, kubectl, run, log }) => {
    test.setTimeout(20 * 60_000);
    const testable = together.filter((f) => f.untestable(state.survey!.facts) === null).map((feature) => ({ feature, ctx: faultContext(feature, { kubectl, run }) }));
    const failing = new Map<string, string[]>();
    for (const { feature, ctx } of testable) failing.set(feature.id, await feature.fault.failing(ctx));
    try {
      for (const { feature, ctx } of testable) {
        log.step(`breaking ${feature.id} on ${victim}: it ${feature.fault.describe}`);
        await feature.fault.inject(ctx);
      }
      const result = await certify(state.info.kubeconfig, run.namespace, ['--features', testable.map(({ feature }) => feature.id).join(','), '--keep']);
      expect(result.code, outcomeLines(result.stderr)).toBe(1);
      const report = readReportJson(result.reportDir);
      expect(othersBlamed(report), 'no other node is blamed').toEqual([]);
      joint = { report, failing };
    } finally {
      for (const { feature, ctx } of testable) await feature.fault.clear(ctx);
    }
  });

  for (const feature of together) {
    test(`${feature.id}: a node that ${feature.fault.describe} fails it`, ({ state }) => {
      const why = feature.untestable(state.survey!.facts);
      test.skip(why !== null, why ?? '');
      expect(joint, 'the run with the faults together made a report').toBeDefined();
      const failed = failedChecks(joint!.report).map((c) => c.id);
      for (const id of joint!.failing.get(feature.id)!) expect(failed, `report names ${id}`).toContain(id);
    });
  }

  for (const feature of alone) {
    test(`${feature.id}: a node that ${feature.fault.describe} fails it (alone: the fault reaches beyond its Services)`, async ({ state, kubectl, run, log }) => {
      test.setTimeout(10 * 60_000);
      const why = feature.untestable(state.survey!.facts);
      test.skip(why !== null, why ?? '');
      const ctx = faultContext(feature, { kubectl, run });
      const failing = await feature.fault.failing(ctx);
      log.step(`breaking ${feature.id} on ${victim}: it ${feature.fault.describe}`);
      await feature.fault.inject(ctx);
      try {
        const result = await certify(state.info.kubeconfig, run.namespace, ['--features', feature.id, '--keep']);
        expect(result.code, outcomeLines(result.stderr)).toBe(1);
        const report = readReportJson(result.reportDir);
        for (const id of failing) expect(failedChecks(report).map((c) => c.id), `report names ${id}`).toContain(id);
        expect(othersBlamed(report), 'no other node is blamed').toEqual([]);
      } finally {
        await feature.fault.clear(ctx);
      }
    });
  }

  test('with every fault removed, certify --profile all passes again, on the victim too, as the least-privilege ServiceAccount', async ({ kubectl }) => {
    test.setTimeout(20 * 60_000);
    const kubeconfig = await account.kubeconfig(kubectl, scratchDir('rbac'), 'token');
    const result = await certify(kubeconfig, account.namespace, ['--profile', 'all']);
    expect(result.code, outcomeLines(result.stderr)).toBe(0);
    const report = readReportJson(result.reportDir);
    expect(failedChecks(report).map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    // Every feature can be tested on a kind cluster of this host: none may be skipped.
    expect(report.features.map((f) => [f.id, f.status])).toEqual(PROFILES.all.map((id) => [id, 'pass']));
    const conformance = parse(readFileSync(path.join(result.reportDir, 'conformance-report.yaml'), 'utf8')) as ConformanceReport;
    expect(conformance.profiles[0]!.core.result).toBe('success');
    expect(conformance.implementation.name).toBe('kube-proxy');
    expect(report.checks.filter((c) => c.node === victim && c.status === 'pass').length, `${victim} has passing checks`).toBeGreaterThan(0);
    expect(await account.leftOpen(kubectl), 'objects left in the namespaces made for certify').toEqual([]);
    account.expectNoCredentialIn(result.reportDir, kubeconfig);
  });
});
