import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '../support/fixtures.js';
import { outcomeLines, runCli } from '../support/cli.js';
import { LAB_ROLE, RBAC_NAME } from '../../harness/kube/rbac.js';
import { PROFILES } from '../../harness/features/registry.js';
import { LeastPrivilegeAccount } from '../support/least-privilege-account.js';
import { scratchDir } from '../support/scratch.js';

/**
 * certify as a ServiceAccount bound only to what `certify --print-rbac` prints (issue 32): it
 * passes, leaves no Service open in the namespaces an admin made for it, writes no credential
 * into a report, logs in with a token file or an exec plugin, and with one permission taken away
 * exits 2 naming it. The whole `--profile all` as such a ServiceAccount is the faults spec's last
 * run (specs/faults/features.spec.ts), so that the longest run is not made twice on one cluster.
 */
test.describe('certify with least privilege', () => {
  test.describe.configure({ mode: 'serial' });
  const account = new LeastPrivilegeAccount('kpc-rbac', PROFILES.nodeport);
  const namespace = account.namespace;
  let dir = '';

  test.beforeAll(async ({ kubectl }) => {
    await account.create(kubectl);
  });

  test.beforeEach(() => {
    dir = scratchDir('rbac');
  });

  test.afterAll(async ({ kubectl }) => {
    await account.delete(kubectl);
  });

  test('passes as the ServiceAccount, leaves nothing open, and no report holds its token', async ({ kubectl }) => {
    const kubeconfig = await account.kubeconfig(kubectl, dir, 'token');
    const reports = path.join(dir, 'report');
    const result = await runCli('certify', ['--kubeconfig', kubeconfig, '--namespace', namespace, '--client', 'host', '--report-dir', reports]);
    expect(result.code, outcomeLines(result.stderr)).toBe(0);
    expect(await account.leftOpen(kubectl), 'objects left in the namespaces made for certify').toEqual([]);
    // The namespaces were the admin's: they stay, with the ServiceAccount.
    await kubectl.run(['get', 'serviceaccount', RBAC_NAME], { namespace });
    account.expectNoCredentialIn(reports, kubeconfig);
  });

  test('a token file and an exec plugin work as the user', async ({ kubectl }) => {
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, account.tokenValue);
    const plugin = path.join(dir, 'credential.sh');
    writeFileSync(plugin, `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat ${tokenFile})"\n`);
    chmodSync(plugin, 0o755);
    const users = { tokenFile: { tokenFile }, exec: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } } };
    for (const [name, user] of Object.entries(users)) {
      const result = await runCli('certify', ['--kubeconfig', await account.kubeconfig(kubectl, dir, name, user), '--namespace', namespace, '--client', 'host', '--report-dir', path.join(dir, name)]);
      expect(result.code, `${name}: ${outcomeLines(result.stderr)}`).toBe(0);
    }
  });

  test('with one permission taken away: exit 2 naming the verb and the resource, and nothing left', async ({ kubectl }) => {
    const saved = JSON.parse(await kubectl.text(['get', 'clusterrole', LAB_ROLE, '-o', 'json'])) as { rules: { resources: string[]; verbs: string[] }[] };
    const index = saved.rules.findIndex((r) => r.resources.includes('deployments'));
    const verbs = saved.rules[index]!.verbs.filter((v) => v !== 'create');
    await kubectl.run(['patch', 'clusterrole', LAB_ROLE, '--type', 'json', '-p', JSON.stringify([{ op: 'replace', path: `/rules/${index}/verbs`, value: verbs }])]);
    try {
      const kubeconfig = await account.kubeconfig(kubectl, dir, 'token');
      const result = await runCli('certify', ['--kubeconfig', kubeconfig, '--namespace', namespace, '--client', 'host', '--report-dir', path.join(dir, 'report')]);
      expect(result.code, outcomeLines(result.stderr)).toBe(2);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(
        new RegExp(`^error: .*\\(system:serviceaccount:${namespace}:${RBAC_NAME}\\) may not create deployments\\.apps in the namespace "${namespace}": grant it that \\(\`certify --print-rbac\``),
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await account.leftOpen(kubectl)).toEqual([]);
    } finally {
      await account.restore(kubectl);
    }
  });
});
