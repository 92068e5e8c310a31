import { test, expect } from '../support/fixtures.js';
import { runCli } from '../support/cli.js';
import { readReportJson } from '../../harness/report/report-reader.js';
import { namespaceMeta } from '../../harness/lab/namespace-guard.js';
import { scratchDir } from '../support/scratch.js';

/**
 * Clusters the harness did not boot, as a platform team points certify at them (issue 11): an app
 * image from a registry that is not there, a namespace that enforces the restricted Pod Security
 * Standard, no kubeadm kube-proxy ConfigMap, and the node address type chosen by the user.
 */
test.describe('certify --kubeconfig on clusters set up by someone else', () => {
  const reportDir = () => scratchDir('report');
  /** Seconds since certify started, from the "[certify  12.3s]" prefix of a progress line. */
  const stampOf = (line: string | undefined) => Number(line?.match(/^\[certify\s+([\d.]+)s\]/)?.[1] ?? NaN);

  test('--image that no registry has: exit 2 naming the image, within 60 s of the deployment', async ({ state, kubectl }) => {
    const namespace = 'kpc-no-image';
    const image = 'registry.invalid/kpc/helloworld:does-not-exist';
    try {
      const result = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', namespace, '--image', image, '--report-dir', reportDir()]);
      expect(result.code, result.stderr.split('\n').slice(-3).join('\n')).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(/^error: .*registry\.invalid\/kpc\/helloworld:does-not-exist/);
      // From the deploy step to the refusal, on certify's own clock (the set-up before it aside).
      const deployed = stampOf(lines.find((l) => /deploy helloworld/.test(l)) ?? lines.find((l) => /app image .* the nodes pull it/.test(l)));
      const ended = stampOf(lines.filter((l) => l.startsWith('[certify')).at(-1));
      expect(ended - deployed, 'seconds from the deployment to the refusal').toBeLessThanOrEqual(60);
    } finally {
      await kubectl.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false'], { check: false });
    }
  });

  test('a namespace that enforces the restricted Pod Security Standard: the lab runs there and passes', async ({ state, kubectl }) => {
    const namespace = 'kpc-restricted';
    await kubectl.run(['create', 'namespace', namespace]);
    await kubectl.run(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
    try {
      const dir = reportDir();
      const result = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', namespace, '--client', 'host', '--report-dir', dir]);
      expect(result.code, result.stderr.split('\n').slice(-5).join('\n')).toBe(0);
      expect(readReportJson(dir).verdict).toBe('pass');
      expect((await namespaceMeta(kubectl, namespace))?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    } finally {
      await kubectl.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false'], { check: false });
    }
  });

  test("without kubeadm's kube-proxy ConfigMap the mode is read from kube-proxy's /proxyMode; --address-type InternalIP is honoured", async ({ state, kubectl }) => {
    const saved = await kubectl.text(['get', 'configmap', 'kube-proxy', '--namespace', 'kube-system', '-o', 'json']);
    await kubectl.run(['delete', 'configmap', 'kube-proxy', '--namespace', 'kube-system']);
    try {
      const dir = reportDir();
      const result = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', 'kpc-no-configmap', '--client', 'host', '--address-type', 'InternalIP', '--report-dir', dir]);
      expect(result.code, result.stderr.split('\n').slice(-5).join('\n')).toBe(0);
      const report = readReportJson(dir);
      expect(report.proxyMode).toBe(state.info.proxyMode);
      expect(report.notes.join('\n')).toMatch(/from kube-proxy's \/proxyMode on the nodes \(no kube-system\/kube-proxy ConfigMap\)/);
      const nodes = await kubectl.json<{ items: { metadata: { name: string }; status: { addresses: { type: string; address: string }[] } }[] }>(['get', 'nodes']);
      const internal = Object.fromEntries(nodes.items.map((n) => [n.metadata.name, n.status.addresses.find((a) => a.type === 'InternalIP')!.address]));
      expect(report.nodes.map((n) => [n.name, n.address, n.addressType])).toEqual(report.nodes.map((n) => [n.name, internal[n.name], 'InternalIP']));
    } finally {
      const restored = JSON.parse(saved) as { metadata: Record<string, unknown> };
      restored.metadata = { name: 'kube-proxy', namespace: 'kube-system' };
      await kubectl.run(['apply', '-f', '-'], { input: JSON.stringify(restored) });
      await kubectl.run(['delete', 'namespace', 'kpc-no-configmap', '--ignore-not-found', '--wait=false'], { check: false });
    }
  });

  test('--address-type ExternalIP on nodes that have none (kind): exit 2 before anything is made, one line naming the nodes', async ({ state, kubectl }) => {
    const namespace = 'kpc-external-ip';
    const result = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', namespace, '--address-type', 'ExternalIP', '--report-dir', reportDir()]);
    expect(result.code, result.stderr).toBe(2);
    const nodes = (await kubectl.json<{ items: { metadata: { name: string } }[] }>(['get', 'nodes'])).items.map((n) => n.metadata.name).sort();
    expect(result.stderr.trim()).toBe(
      `error: --address-type ExternalIP: ${nodes.length} of ${nodes.length} nodes have no such address (${nodes.join(', ')}): drop --address-type, or pass the type every node has (kubectl get nodes -o wide)`,
    );
    expect(await namespaceMeta(kubectl, namespace), 'no namespace made').toBeUndefined();
  });
});
