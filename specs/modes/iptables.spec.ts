import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { test, expect } from '@playwright/test';
import type { ConformanceReport } from '../../harness/report/conformance-report.js';
import { readReportJson } from '../../harness/report/report-reader.js';
import { REPORT_FILES } from '../../harness/report/write-report.js';
import { outcomeLines } from '../support/cli.js';
import { expectNothingLeft, OwnClusterCertify } from '../support/own-cluster.js';

/**
 * The second proxy mode, as a user certifies it: `certify --proxy-mode iptables --ip-family dual
 * --profile all` boots kind's own kube-proxy in iptables mode on a dual-stack cluster (DualStack
 * needs one), checks every feature through every node, and deletes the cluster. The nftables profile runs the same features step by step, with their faults;
 * the faults are nft rules on a node, the same in either mode, so they run once (on nftables).
 */
const runs = new OwnClusterCertify();

test('certify --proxy-mode iptables --ip-family dual --profile all: every feature passes on every node, and the cluster is gone after', async () => {
  test.setTimeout(40 * 60_000);
  const name = 'kpc-test-iptables';
  const { result, reportDir } = await runs.certify(name, ['--proxy-mode', 'iptables', '--ip-family', 'dual', '--profile', 'all']);
  expect(result.code, outcomeLines(result.stderr)).toBe(0);
  const report = readReportJson(reportDir);
  expect(report.verdict).toBe('pass');
  expect(report.proxyMode).toBe('iptables');
  // Every feature can be tested on a kind cluster of this host: none may be skipped, core or extended.
  expect(report.features.filter((f) => f.status !== 'pass').map((f) => `${f.id}: ${f.status} ${f.reason ?? ''}`)).toEqual([]);
  const nodes = report.nodes.map((n) => n.name);
  expect(nodes.length, 'a node per kind-config.yaml entry').toBeGreaterThanOrEqual(3);
  for (const node of nodes) expect(report.checks.filter((c) => c.node === node && c.status === 'pass').length, `${node} has passing checks`).toBeGreaterThan(0);
  const conformance = parse(readFileSync(path.join(reportDir, REPORT_FILES.conformance), 'utf8')) as ConformanceReport;
  expect(conformance.profiles[0]!.core.result).toBe('success');
  expect(conformance.implementation.name).toBe('kube-proxy');
  await expectNothingLeft(name);
});
