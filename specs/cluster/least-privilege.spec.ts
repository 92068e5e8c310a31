import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '../support/fixtures.js';
import { outcomeLines, runCli } from '../support/cli.js';
import { readReportJson } from '../../harness/report/report-reader.js';
import { RBAC_NAME } from '../../harness/kube/rbac.js';
import type { Kubectl } from '../../harness/kube/kubectl.js';
import { PROFILES } from '../../harness/features/registry.js';
import { runNamespaces } from '../../harness/run/run-namespaces.js';
import { scratchDir } from '../support/scratch.js';

/**
 * certify as a ServiceAccount bound only to what `certify --print-rbac` prints (issue 32): it
 * passes every feature, leaves no Service open in the namespaces an admin made for it, writes no
 * credential into a report, and with one permission taken away exits 2 naming it.
 */
test.describe('certify with least privilege', () => {
  test.describe.configure({ mode: 'serial' });
  const namespace = 'kpc-rbac';
  const namespaces = runNamespaces({ namespace, features: [...PROFILES.all] });
  let rbac = '';
  let dir = '';
  let token = '';

  /** A kubeconfig for the ServiceAccount, its user given as `user` (a token, a token file, an exec plugin). */
  async function kubeconfigFor(kubectl: Kubectl, name: string, user: object): Promise<string> {
    const admin = JSON.parse(await kubectl.text(['config', 'view', '--minify', '--raw', '-o', 'json'])) as { clusters: { cluster: object }[] };
    const file = path.join(dir, `${name}.kubeconfig`);
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: admin.clusters[0]!.cluster }],
      users: [{ name: 'sa', user }],
      contexts: [{ name: 'sa', context: { cluster: 'c', user: 'sa' } }],
      'current-context': 'sa',
    };
    writeFileSync(file, JSON.stringify(config));
    return file;
  }

  test.beforeAll(async ({ kubectl }) => {
    const printed = await runCli('certify', ['--print-rbac', '--namespace', namespace, '--profile', 'all']);
    expect(printed.code, printed.stderr).toBe(0);
    rbac = printed.stdout;
    await kubectl.run(['apply', '-f', '-'], { input: rbac });
    token = (await kubectl.text(['create', 'token', RBAC_NAME, '--namespace', namespace, '--duration', '1h'])).trim();
  });

  test.beforeEach(() => {
    dir = scratchDir('rbac');
  });

  test.afterAll(async ({ kubectl }) => {
    await kubectl.run(['delete', '-f', '-', '--ignore-not-found', '--wait=false'], { input: rbac, check: false });
  });

  async function leftOpen(kubectl: Kubectl): Promise<string[]> {
    const left: string[] = [];
    for (const ns of namespaces) {
      const { stdout } = await kubectl.run(['get', 'services,deployments.apps,daemonsets.apps', '-o', 'name'], { namespace: ns });
      left.push(...stdout.split('\n').filter(Boolean).map((name) => `${ns}/${name}`));
    }
    return left;
  }

  test('--profile all passes as the ServiceAccount, leaves nothing open, and no report holds its token', async ({ kubectl }) => {
    const kubeconfig = await kubeconfigFor(kubectl, 'token', { token });
    const reports = path.join(dir, 'report');
    const result = await runCli('certify', ['--kubeconfig', kubeconfig, '--namespace', namespace, '--profile', 'all', '--report-dir', reports]);
    expect(result.code, outcomeLines(result.stderr)).toBe(0);
    expect(readReportJson(reports).features.map((f) => [f.id, f.status])).toEqual(PROFILES.all.map((id) => [id, 'pass']));
    expect(await leftOpen(kubectl), 'objects left in the namespaces made for certify').toEqual([]);
    // The namespaces were the admin's: they stay, with the ServiceAccount.
    await kubectl.run(['get', 'serviceaccount', RBAC_NAME], { namespace });
    const secrets = [token, ...readFileSync(kubeconfig, 'utf8').match(/"certificate-authority-data":"([^"]{40})/)!.slice(1)];
    const files = readdirSync(reports, { recursive: true }) as string[];
    expect(files.length).toBeGreaterThan(3);
    for (const file of files.map((f) => path.join(reports, f)).filter((f) => statSync(f).isFile())) {
      const text = readFileSync(file, 'utf8');
      for (const secret of secrets) expect(text.includes(secret), `${file} holds a credential of the kubeconfig`).toBe(false);
    }
  });

  test('a token file and an exec plugin work as the user', async ({ kubectl }) => {
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, token);
    const plugin = path.join(dir, 'credential.sh');
    writeFileSync(plugin, `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat ${tokenFile})"\n`);
    chmodSync(plugin, 0o755);
    const users = { tokenFile: { tokenFile }, exec: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } } };
    for (const [name, user] of Object.entries(users)) {
      const result = await runCli('certify', ['--kubeconfig', await kubeconfigFor(kubectl, name, user), '--namespace', namespace, '--client', 'host', '--report-dir', path.join(dir, name)]);
      expect(result.code, `${name}: ${outcomeLines(result.stderr)}`).toBe(0);
    }
  });

  test('with one permission taken away: exit 2 naming the verb and the resource, and nothing left', async ({ kubectl }) => {
    const role = `${RBAC_NAME}:lab`;
    const saved = JSON.parse(await kubectl.text(['get', 'clusterrole', role, '-o', 'json'])) as { rules: { resources: string[]; verbs: string[] }[] };
    const index = saved.rules.findIndex((r) => r.resources.includes('deployments'));
    const verbs = saved.rules[index]!.verbs.filter((v) => v !== 'create');
    await kubectl.run(['patch', 'clusterrole', role, '--type', 'json', '-p', JSON.stringify([{ op: 'replace', path: `/rules/${index}/verbs`, value: verbs }])]);
    try {
      const kubeconfig = await kubeconfigFor(kubectl, 'token', { token });
      const result = await runCli('certify', ['--kubeconfig', kubeconfig, '--namespace', namespace, '--client', 'host', '--report-dir', path.join(dir, 'report')]);
      expect(result.code, outcomeLines(result.stderr)).toBe(2);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(
        new RegExp(`^error: .*\\(system:serviceaccount:${namespace}:${RBAC_NAME}\\) may not create deployments\\.apps in the namespace "${namespace}": grant it that \\(\`certify --print-rbac\``),
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await leftOpen(kubectl)).toEqual([]);
    } finally {
      await kubectl.run(['apply', '-f', '-'], { input: rbac });
    }
  });
});
