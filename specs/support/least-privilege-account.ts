import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';
import type { Kubectl } from '../../harness/kube/kubectl.js';
import { RBAC_NAME } from '../../harness/kube/rbac.js';
import { runNamespaces } from '../../harness/run/run-namespaces.js';
import { runCli } from './cli.js';

/**
 * The ServiceAccount `certify --print-rbac` prints for a namespace and features, applied by the
 * test as a cluster admin would (the namespaces are the admin's), and kubeconfigs that log in as
 * it: with its token, or another `user` (a token file, an exec plugin).
 */
export class LeastPrivilegeAccount {
  private rbac = '';
  private token = '';

  constructor(
    readonly namespace: string,
    readonly features: readonly string[],
  ) {}

  /** Every namespace the runs work in; the admin made them, so they stay after a run. */
  get namespaces(): string[] {
    return runNamespaces({ namespace: this.namespace, features: [...this.features] });
  }

  get tokenValue(): string {
    return this.token;
  }

  async create(kubectl: Kubectl): Promise<void> {
    const printed = await runCli('certify', ['--print-rbac', '--namespace', this.namespace, '--features', this.features.join(',')]);
    expect(printed.code, printed.stderr).toBe(0);
    this.rbac = printed.stdout;
    await kubectl.run(['apply', '-f', '-'], { input: this.rbac });
    this.token = (await kubectl.text(['create', 'token', RBAC_NAME, '--namespace', this.namespace, '--duration', '1h'])).trim();
  }

  /** Puts back what the test took away from the roles. */
  async restore(kubectl: Kubectl): Promise<void> {
    await kubectl.run(['apply', '-f', '-'], { input: this.rbac });
  }

  async delete(kubectl: Kubectl): Promise<void> {
    if (this.rbac) await kubectl.run(['delete', '-f', '-', '--ignore-not-found', '--wait=false'], { input: this.rbac, check: false });
  }

  /** A kubeconfig in `dir` for the ServiceAccount, its user given as `user` (by default its token). */
  async kubeconfig(kubectl: Kubectl, dir: string, name: string, user: object = { token: this.token }): Promise<string> {
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

  /** The Services, Deployments and DaemonSets left in the runs' namespaces. */
  async leftOpen(kubectl: Kubectl): Promise<string[]> {
    const left: string[] = [];
    for (const ns of this.namespaces) {
      const { stdout } = await kubectl.run(['get', 'services,deployments.apps,daemonsets.apps', '-o', 'name'], { namespace: ns });
      left.push(...stdout.split('\n').filter(Boolean).map((name) => `${ns}/${name}`));
    }
    return left;
  }

  /** No file under `reports` holds the token or the cluster's CA data from `kubeconfig`. */
  expectNoCredentialIn(reports: string, kubeconfig: string): void {
    const secrets = [this.token, ...readFileSync(kubeconfig, 'utf8').match(/"certificate-authority-data":"([^"]{40})/)!.slice(1)];
    const files = (readdirSync(reports, { recursive: true }) as string[]).map((f) => path.join(reports, f)).filter((f) => statSync(f).isFile());
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const secret of secrets) expect(text.includes(secret), `${file} holds a credential of the kubeconfig`).toBe(false);
    }
  }
}
