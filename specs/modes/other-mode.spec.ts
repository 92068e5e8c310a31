import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { test, expect } from '../support/fixtures.js';
import type { ConformanceReport } from '../../harness/report/conformance-report.js';
import { readReportJson } from '../../harness/report/report-reader.js';
import { REPORT_FILES } from '../../harness/report/write-report.js';
import { outcomeLines, runCli } from '../support/cli.js';
import { scratchDir } from '../support/scratch.js';
import { OTHER_MODE } from '../support/tags.js';

/**
 * The second proxy mode, every feature: on the acceptance project's cluster (kind's own kube-proxy
 * in the mode the shared cluster does not run, dual-stack so that DualStack runs too),
 * `certify --kubeconfig --proxy-mode <that mode> --profile all` checks every feature through every
 * node. The shared cluster's projects run the same features step by step, with their faults; the
 * faults are nft rules on a node, the same in either mode, so they run once, there. certify's
 * own boot and delete of a cluster are the byo-proxy and lifecycle specs'.
 */
test(`certify --profile all in the other proxy mode, dual-stack: every feature passes on every node`, { tag: OTHER_MODE }, async ({ state, run }) => {
  test.setTimeout(40 * 60_000);
  const mode = run.cluster.kind === 'kind' ? run.cluster.proxyMode : undefined;
  const reportDir = scratchDir('report');
  const result = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--proxy-mode', mode!, '--profile', 'all', '--namespace', 'kpc-modes', '--client', 'host', '--report-dir', reportDir]);
  expect(result.code, outcomeLines(result.stderr)).toBe(0);
  const report = readReportJson(reportDir);
  expect(report.verdict).toBe('pass');
  expect(report.proxyMode).toBe(mode);
  // Every feature can be tested on a kind cluster of this host: none may be skipped, core or extended.
  expect(report.features.filter((f) => f.status !== 'pass').map((f) => `${f.id}: ${f.status} ${f.reason ?? ''}`)).toEqual([]);
  const nodes = report.nodes.map((n) => n.name);
  expect(nodes.length, 'a node per kind-config.yaml entry').toBeGreaterThanOrEqual(3);
  for (const node of nodes) expect(report.checks.filter((c) => c.node === node && c.status === 'pass').length, `${node} has passing checks`).toBeGreaterThan(0);
  const conformance = parse(readFileSync(path.join(reportDir, REPORT_FILES.conformance), 'utf8')) as ConformanceReport;
  expect(conformance.profiles[0]!.core.result).toBe('success');
  expect(conformance.implementation.name).toBe('kube-proxy');
});
