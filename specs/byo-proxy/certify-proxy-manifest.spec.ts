import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import type { Report } from '../../harness/report/report-types.js';
import { IMPLEMENTATION_FILE } from '../../harness/run/proxy-boot.js';
import type { ImplementationDescription } from '../../harness/cluster/implementation.js';
import { nodeContainers } from '../../harness/cluster/docker.js';
import { defaultKubeconfigPath } from '../../harness/cluster/kind-cluster-provider.js';
import { Kubectl } from '../../harness/kube/kubectl.js';
import { resolveKubectl } from '../../harness/tools/tool-resolver.js';
import { run } from '../../harness/util/exec.js';
import { silentLogger } from '../../harness/util/log.js';
import { REPO_ROOT } from '../../harness/util/repo-root.js';
import { expectOneLineRefusal, outcomeLines, runCli } from '../support/cli.js';
import { expectNothingLeft, lastLine, OwnClusterCertify } from '../support/own-cluster.js';
import { scratchDir } from '../support/scratch.js';

/**
 * certify --proxy-manifest, end to end. The iptables example first, on a cluster certify boots, as
 * a user's first run does: it must leave nothing behind. Then one kind cluster booted with no proxy
 * (`cluster up --proxy-mode none`) takes each other case in turn through --reuse: the refusals, a
 * crashing and a never-ready proxy (exit 2 naming the pod), the broken example (fails naming the
 * control-plane node) and the nftables example (passes); each installed proxy must be gone after
 * its run, the cluster left as it was. One cluster at a time: they share the 2 cores otherwise.
 */
test.describe.configure({ mode: 'serial' });

const runs = new OwnClusterCertify();
/** The proxyless cluster the --reuse cases install into, one after another. */
const SHARED = 'kpc-byo';
let kubectl: Kubectl;

test.beforeAll(async () => {
  test.setTimeout(60 * 60_000);
  // The example's image, built offline (cached: a second when nothing changed).
  await run('bash', [path.join(REPO_ROOT, 'images/build-example-proxies.sh')]);
});

const manifestPath = (manifest: string) => (path.isAbsolute(manifest) ? manifest : path.join(REPO_ROOT, manifest));
const certify = (name: string, manifest: string) => runs.certify(name, ['--proxy-manifest', manifestPath(manifest)]);
const certifyInto = (manifest: string) => runs.certify(SHARED, ['--reuse', '--proxy-manifest', manifestPath(manifest)]);

const readReport = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report;
const readImplementation = (dir: string) => JSON.parse(readFileSync(path.join(dir, IMPLEMENTATION_FILE), 'utf8')) as ImplementationDescription;

/** After a --reuse run: the cluster is still there, and neither the proxy's namespace nor any of the run's is. */
async function expectProxyRemoved(proxyNamespace: string): Promise<void> {
  expect((await nodeContainers(SHARED)).length, `the nodes of ${SHARED}`).toBeGreaterThan(0);
  const namespaces = (await kubectl.text(['get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/);
  expect(namespaces, 'the proxy removed with its namespace').not.toContain(proxyNamespace);
  expect(namespaces.filter((n) => n.startsWith('kpc-lab')), "the run's namespaces").toEqual([]);
}

/** A DaemonSet that mounts the host's CNI config folder (the proxy is the pod network too); it never runs. */
const POD_NETWORK_PROXY = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: network-proxy, namespace: kube-system}
spec:
  selector: {matchLabels: {app: network-proxy}}
  template:
    metadata: {labels: {app: network-proxy}}
    spec:
      containers: [{name: agent, image: registry.k8s.io/pause:3.10, imagePullPolicy: Never, volumeMounts: [{name: cni, mountPath: /host/etc/cni/net.d}]}]
      volumes: [{name: cni, hostPath: {path: /etc/cni/net.d}}]
`;

function otherProxy(): Record<string, unknown> {
  const labels = { app: 'other-proxy' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'other-proxy', namespace: 'default' },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { nodeSelector: { 'kpc.example/no-such-node': 'true' }, containers: [{ name: 'proxy', image: 'registry.k8s.io/pause:3.10' }] } },
    },
  };
}

/** What the v1.33 example must be named and found in each mode. */
function expectExample(reportDir: string, mode: 'nftables' | 'iptables'): void {
  const report = readReport(reportDir);
  expect(report.verdict).toBe('pass');
  expect(report.proxyMode, 'the mode the proxy told, not "none"').toBe(mode);
  expect(readImplementation(reportDir)).toMatchObject({
    name: 'kube-proxy (kube-proxy-conformance/kube-proxy:v1.33.13)',
    daemonSets: ['kube-proxy-v1-33/kube-proxy'],
    mode,
    modeSource: 'proxyMode endpoint',
  });
}

test('kube-proxy v1.33 (iptables) installed from examples/ on a cluster certify boots: certified, nothing left', async () => {
  test.setTimeout(40 * 60_000);
  const name = 'kpc-byo-ipt';
  const { result, reportDir } = await certify(name, 'examples/kube-proxy-v1.33/iptables');
  expect(result.code, outcomeLines(result.stderr)).toBe(0);
  expectExample(reportDir, 'iptables');
  await expectNothingLeft(name);
});

test.describe('installed into one proxyless cluster in turn (--reuse), removed after each run', () => {
  test.beforeAll(async () => {
    test.setTimeout(10 * 60_000);
    const up = await runCli('cluster-up', ['--name', SHARED, '--proxy-mode', 'none']);
    expect(up.code, outcomeLines(up.stderr)).toBe(0);
    expect(up.stderr, 'cluster up tells how to certify a proxy into it').toContain(`npm run certify -- --name ${SHARED} --reuse --proxy-manifest`);
    kubectl = new Kubectl((await resolveKubectl(silentLogger)).path, defaultKubeconfigPath(SHARED));
  });

  test.afterAll(async () => {
    test.setTimeout(5 * 60_000);
    await runCli('cluster-down', ['--name', SHARED]);
    await expectNothingLeft(SHARED);
  });

  test.describe('refused before anything is installed: exit 2, one line, the cluster as it was', () => {
    test('an existing cluster without --reuse', async () => {
      const { result } = await certify(SHARED, 'examples/kube-proxy-v1.33/nftables');
      expectOneLineRefusal(result, /^error: a kind cluster named "kpc-byo" already exists \(.*\): pick another --name, pass --reuse to attach to it/);
      await expectProxyRemoved('kube-proxy-v1-33');
    });

    test('a proxy that is the pod network too, into a cluster that runs kind\'s', async () => {
      const file = path.join(scratchDir('manifest'), 'network-proxy.yaml');
      writeFileSync(file, POD_NETWORK_PROXY);
      const { result } = await certifyInto(file);
      expectOneLineRefusal(result, /^error: .*network-proxy\.yaml is the pod network too \(DaemonSet kube-system\/network-proxy mounts \/etc\/cni\/net\.d\), and "kpc-byo" runs kind's: drop --reuse/);
      expect(await kubectl.text(['get', 'daemonsets', '-n', 'kube-system', '-o', 'name'])).not.toContain('network-proxy');
    });

    test('a cluster that already runs a proxy: the other one named, left alone', async () => {
      // A DaemonSet named like a proxy that targets no node: what the check reads is its name.
      await kubectl.run(['apply', '-f', '-'], { input: JSON.stringify(otherProxy()) });
      try {
        const { result } = await certifyInto('examples/kube-proxy-v1.33/nftables');
        // Found once attached, after the progress lines of the attach: the last line says it.
        expect(result.code, outcomeLines(result.stderr)).toBe(2);
        expect(lastLine(result.stderr)).toMatch(/^error: kind cluster "kpc-byo" already runs a service proxy \(DaemonSet default\/other-proxy\), and --proxy-manifest installs another: boot one with no proxy/);
        expect((await kubectl.text(['get', 'daemonset', 'other-proxy', '-n', 'default', '-o', 'name'])).trim()).toBe('daemonset.apps/other-proxy');
        await expectProxyRemoved('kube-proxy-v1-33');
      } finally {
        await kubectl.run(['delete', 'daemonset', 'other-proxy', '-n', 'default', '--ignore-not-found']);
      }
    });
  });


  test('a proxy that crashes: exit 2 at the crash loop, one line naming the pod, its node and its log; removed after', async () => {
    test.setTimeout(30 * 60_000);
    const { result } = await certifyInto('specs/fixtures/proxy-manifests/crashing-kube-proxy.yaml');
    expect(result.code, outcomeLines(result.stderr)).toBe(2);
    const line = lastLine(result.stderr);
    expect(line).toMatch(/^error: DaemonSet kpc-crashing-proxy\/crashing-proxy: pod crashing-proxy-\w+ on node kpc-byo-\S+ is failing \(CrashLoopBackOff.*\); last log lines: .*bogus.*: fix the proxy/);
    await expectProxyRemoved('kpc-crashing-proxy');
  });

  test('a proxy that never becomes ready: exit 2 once it has run past its readiness budget, one line naming the pod; removed after', async () => {
    test.setTimeout(30 * 60_000);
    const { result } = await certifyInto('specs/fixtures/proxy-manifests/never-ready-proxy.yaml');
    expect(result.code, outcomeLines(result.stderr)).toBe(2);
    // RUNNING_READY_BUDGET_MS (120 s) plus the 2 s its readiness probe declares, from the container's start.
    expect(lastLine(result.stderr)).toMatch(/^error: DaemonSet kpc-never-ready-proxy\/never-ready-proxy: pod never-ready-proxy-\w+ on node kpc-byo-\S+ is failing \(Running for \d+ s, never ready \(its readiness probe does not pass; allowed 122 s\)\); last log lines: .*: fix the proxy/);
    await expectProxyRemoved('kpc-never-ready-proxy');
  });

  test('the broken example: exit 1, the control-plane node named, the workers passing; removed after', async () => {
    test.setTimeout(40 * 60_000);
    const { result, reportDir } = await certifyInto('examples/broken-kube-proxy-v1.33');
    expect(result.code, outcomeLines(result.stderr)).toBe(1);
    const report = readReport(reportDir);
    expect(report.verdict).toBe('fail');
    const failedNodes = [...new Set(report.checks.filter((c) => c.status === 'fail').map((c) => c.node))];
    expect(failedNodes).toEqual([`${SHARED}-control-plane`]);
    expect(report.checks.find((c) => c.id === `forwarding/${SHARED}-control-plane`)?.status).toBe('fail');
    for (const worker of report.nodes.filter((n) => n.name !== `${SHARED}-control-plane`)) {
      expect(report.checks.find((c) => c.id === `forwarding/${worker.name}`)?.status, worker.name).toBe('pass');
    }
    expect(result.stderr).toContain(`FAIL forwarding/${SHARED}-control-plane`);
    await expectProxyRemoved('kube-proxy-broken');
  });


  test('kube-proxy v1.33 (nftables) installed from examples/ into the proxyless cluster: certified, removed after', async () => {
    test.setTimeout(40 * 60_000);
    const { result, reportDir } = await certifyInto('examples/kube-proxy-v1.33/nftables');
    expect(result.code, outcomeLines(result.stderr)).toBe(0);
    expectExample(reportDir, 'nftables');
    await expectProxyRemoved('kube-proxy-v1-33');
  });
});
