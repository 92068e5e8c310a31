import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { networkExists, nodeContainers } from '../../harness/cluster/docker.js';
import { dockerNetworkFor, defaultKubeconfigPath } from '../../harness/cluster/kind-cluster-provider.js';
import type { Report } from '../../harness/report/report-types.js';
import { IMPLEMENTATION_FILE } from '../../harness/run/proxy-boot.js';
import type { ImplementationDescription } from '../../harness/cluster/implementation.js';
import { run } from '../../harness/util/exec.js';
import { REPO_ROOT } from '../../harness/util/repo-root.js';
import { startCli, type CliResult } from '../support/cli.js';

/**
 * certify --proxy-manifest, end to end, each case on a kind cluster of its own booted with no
 * kube-proxy: the v1.33 kube-proxy example passes in both modes, the broken example fails naming
 * the control-plane node, a crashing and a never-ready proxy are exit 2 naming the pod. Each run
 * must leave no cluster behind.
 */
test.describe.configure({ mode: 'serial' });

// Reports (and each run's certify.log) stay here for a look after a failure.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'kpc-byo-proxy-'));

test.beforeAll(async () => {
  test.setTimeout(60 * 60_000);
  // The example's image, built offline (cached: a second when nothing changed).
  await run('bash', [path.join(REPO_ROOT, 'images/build-example-proxies.sh')]);
});

/** The certify still running when a test times out: stopped like Ctrl-C, so it deletes its cluster. */
let running: ReturnType<typeof startCli> | undefined;

test.afterEach(async () => {
  if (!running) return;
  running.child.kill('SIGINT');
  await running.done;
  running = undefined;
});

async function certify(name: string, manifest: string, extra: string[] = []): Promise<{ result: CliResult; reportDir: string }> {
  const reportDir = path.join(scratch, name);
  running = startCli('certify', ['--proxy-manifest', path.join(REPO_ROOT, manifest), '--name', name, '--report-dir', reportDir, ...extra]);
  const result = await running.done;
  running = undefined;
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(path.join(reportDir, 'certify.log'), `${result.stderr}\n--- stdout ---\n${result.stdout}`);
  await test.info().attach(`${name}.stderr`, { body: result.stderr, contentType: 'text/plain' });
  return { result, reportDir };
}

async function expectNothingLeft(name: string): Promise<void> {
  expect(await nodeContainers(name), `no node containers of ${name}`).toEqual([]);
  expect(await networkExists(dockerNetworkFor(name)), `no Docker network ${dockerNetworkFor(name)}`).toBe(false);
  expect(existsSync(defaultKubeconfigPath(name)), 'no kubeconfig').toBe(false);
}

const readReport = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report;
const readImplementation = (dir: string) => JSON.parse(readFileSync(path.join(dir, IMPLEMENTATION_FILE), 'utf8')) as ImplementationDescription;
const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';

for (const mode of ['nftables', 'iptables'] as const) {
  test(`kube-proxy v1.33 (${mode}) installed from examples/: certified`, async () => {
    test.setTimeout(40 * 60_000);
    const name = `kpc-byo-${mode.slice(0, 3)}`;
    const { result, reportDir } = await certify(name, `examples/kube-proxy-v1.33/${mode}`);
    expect(result.code, lastLine(result.stderr)).toBe(0);
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
  expect(result.code, lastLine(result.stderr)).toBe(1);
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
  expect(result.code, lastLine(result.stderr)).toBe(2);
  const line = lastLine(result.stderr);
  expect(line).toMatch(/^error: DaemonSet kpc-crashing-proxy\/crashing-proxy: pod crashing-proxy-\w+ on node kpc-byo-crash-\S+ is failing \(CrashLoopBackOff.*\); last log lines: .*bogus.*: fix the proxy/);
  await expectNothingLeft(name);
});

test('a proxy that never becomes ready: exit 2 after the derived timeout, one line naming a pod that is not ready', async () => {
  test.setTimeout(30 * 60_000);
  const name = 'kpc-byo-unready';
  const { result } = await certify(name, 'specs/fixtures/proxy-manifests/never-ready-proxy.yaml');
  expect(result.code, lastLine(result.stderr)).toBe(2);
  expect(lastLine(result.stderr)).toMatch(/^error: DaemonSet kpc-never-ready-proxy\/never-ready-proxy: pod never-ready-proxy-\w+ on node kpc-byo-unready-\S+ is not ready after 302 s \(Running, not ready .*\); last log lines: .*: fix the proxy/);
  await expectNothingLeft(name);
});
