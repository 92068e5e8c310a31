import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import type { Report } from '../../harness/report/report-types.js';
import { IMPLEMENTATION_FILE } from '../../harness/run/proxy-boot.js';
import type { ImplementationDescription } from '../../harness/cluster/implementation.js';
import { run } from '../../harness/util/exec.js';
import { REPO_ROOT } from '../../harness/util/repo-root.js';
import { outcomeLines } from '../support/cli.js';
import { expectNothingLeft, lastLine, OwnClusterCertify } from '../support/own-cluster.js';

/**
 * certify --proxy-manifest, end to end, each case on a kind cluster of its own booted with no
 * kube-proxy: the v1.33 kube-proxy example passes in both modes, the broken example fails naming
 * the control-plane node, a crashing and a never-ready proxy are exit 2 naming the pod. Each run
 * must leave no cluster behind.
 */
test.describe.configure({ mode: 'serial' });

const runs = new OwnClusterCertify();

test.beforeAll(async () => {
  test.setTimeout(60 * 60_000);
  // The example's image, built offline (cached: a second when nothing changed).
  await run('bash', [path.join(REPO_ROOT, 'images/build-example-proxies.sh')]);
});

const certify = (name: string, manifest: string) => runs.certify(name, ['--proxy-manifest', path.join(REPO_ROOT, manifest)]);

const readReport = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report;
const readImplementation = (dir: string) => JSON.parse(readFileSync(path.join(dir, IMPLEMENTATION_FILE), 'utf8')) as ImplementationDescription;

for (const mode of ['nftables', 'iptables'] as const) {
  test(`kube-proxy v1.33 (${mode}) installed from examples/: certified`, async () => {
    test.setTimeout(40 * 60_000);
    const name = `kpc-byo-${mode.slice(0, 3)}`;
    const { result, reportDir } = await certify(name, `examples/kube-proxy-v1.33/${mode}`);
    expect(result.code, outcomeLines(result.stderr)).toBe(0);
    const report = readReport(reportDir);
    expect(report.verdict).toBe('pass');
    expect(report.proxyMode, 'the mode the proxy told, not "none"').toBe(mode);
    expect(readImplementation(reportDir)).toMatchObject({
      name: 'kube-proxy (kube-proxy-conformance/kube-proxy:v1.33.13)',
      daemonSets: ['kube-proxy-v1-33/kube-proxy'],
      mode,
      modeSource: 'proxyMode endpoint',
    });
    await expectNothingLeft(name);
  });
}

test('the broken example: exit 1, the control-plane node named, the workers passing', async () => {
  test.setTimeout(40 * 60_000);
  const name = 'kpc-byo-broken';
  const { result, reportDir } = await certify(name, 'examples/broken-kube-proxy-v1.33');
  expect(result.code, outcomeLines(result.stderr)).toBe(1);
  const report = readReport(reportDir);
  expect(report.verdict).toBe('fail');
  const failedNodes = [...new Set(report.checks.filter((c) => c.status === 'fail').map((c) => c.node))];
  expect(failedNodes).toEqual([`${name}-control-plane`]);
  expect(report.checks.find((c) => c.id === `forwarding/${name}-control-plane`)?.status).toBe('fail');
  for (const worker of report.nodes.filter((n) => n.name !== `${name}-control-plane`)) {
    expect(report.checks.find((c) => c.id === `forwarding/${worker.name}`)?.status, worker.name).toBe('pass');
  }
  expect(result.stderr).toContain(`FAIL forwarding/${name}-control-plane`);
  await expectNothingLeft(name);
});

test('a proxy that crashes: exit 2 at the crash loop, one line naming the pod, its node and its log', async () => {
  test.setTimeout(30 * 60_000);
  const name = 'kpc-byo-crash';
  const { result } = await certify(name, 'specs/fixtures/proxy-manifests/crashing-kube-proxy.yaml');
  expect(result.code, outcomeLines(result.stderr)).toBe(2);
  const line = lastLine(result.stderr);
  expect(line).toMatch(/^error: DaemonSet kpc-crashing-proxy\/crashing-proxy: pod crashing-proxy-\w+ on node kpc-byo-crash-\S+ is failing \(CrashLoopBackOff.*\); last log lines: .*bogus.*: fix the proxy/);
  await expectNothingLeft(name);
});

test('a proxy that never becomes ready: exit 2 once it has run past its readiness budget, one line naming the pod', async () => {
  test.setTimeout(30 * 60_000);
  const name = 'kpc-byo-unready';
  const { result } = await certify(name, 'specs/fixtures/proxy-manifests/never-ready-proxy.yaml');
  expect(result.code, outcomeLines(result.stderr)).toBe(2);
  // RUNNING_READY_BUDGET_MS (120 s) plus the 2 s its readiness probe declares, from the container's start.
  expect(lastLine(result.stderr)).toMatch(/^error: DaemonSet kpc-never-ready-proxy\/never-ready-proxy: pod never-ready-proxy-\w+ on node kpc-byo-unready-\S+ is failing \(Running for \d+ s, never ready \(its readiness probe does not pass; allowed 122 s\)\); last log lines: .*: fix the proxy/);
  await expectNothingLeft(name);
});
