import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { networkExists, nodeContainers } from '../../harness/cluster/docker.js';
import { dockerNetworkFor, defaultKubeconfigPath } from '../../harness/cluster/kind-cluster-provider.js';
import { kubectlCacheDir } from '../../harness/kube/kubectl-env.js';
import { startCli, type CliResult } from './cli.js';
import { scratchDir } from './scratch.js';

/**
 * certify runs that boot (and delete) a kind cluster of their own. A run still going when its
 * test ends (a timeout) is stopped like Ctrl-C, so it deletes its cluster; each run's output is
 * kept next to its reports and attached to the test.
 */
export class OwnClusterCertify {
  private running: ReturnType<typeof startCli> | undefined;

  constructor() {
    test.afterEach(() => this.stop());
  }

  /** The reports, and the run's certify.log, stay in the test's output folder for a look after a failure. */
  async certify(name: string, args: string[]): Promise<{ result: CliResult; reportDir: string }> {
    const reportDir = scratchDir(name);
    this.running = startCli('certify', [...args, '--name', name, '--report-dir', reportDir]);
    const result = await this.running.done;
    this.running = undefined;
    writeFileSync(path.join(reportDir, 'certify.log'), `${result.stderr}\n--- stdout ---\n${result.stdout}`);
    await test.info().attach(`${name}.stderr`, { body: result.stderr, contentType: 'text/plain' });
    return { result, reportDir };
  }

  private async stop(): Promise<void> {
    if (!this.running) return;
    this.running.child.kill('SIGINT');
    await this.running.done;
    this.running = undefined;
  }
}

export async function expectNothingLeft(name: string): Promise<void> {
  expect(await nodeContainers(name), `no node containers of ${name}`).toEqual([]);
  expect(await networkExists(dockerNetworkFor(name)), `no Docker network ${dockerNetworkFor(name)}`).toBe(false);
  expect(existsSync(defaultKubeconfigPath(name)), 'no kubeconfig').toBe(false);
  expect(existsSync(kubectlCacheDir(defaultKubeconfigPath(name))), 'no kubectl cache beside it').toBe(false);
}

export const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';

