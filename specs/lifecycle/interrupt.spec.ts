import os from 'node:os';
import path from 'node:path';
import { test, expect } from '../support/fixtures.js';
import { startCli, runCli } from '../support/cli.js';
import { run } from '../../harness/util/exec.js';
import { waitFor, notYet } from '../../harness/util/wait.js';

async function volumes(): Promise<Set<string>> {
  return new Set((await run('docker', ['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean));
}

async function leftovers(cluster: string): Promise<string[]> {
  const containers = (await run('docker', ['ps', '-aq', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`])).stdout.split('\n').filter(Boolean);
  const networks = (await run('docker', ['network', 'ls', '-q', '--filter', `name=kpc-${cluster}`])).stdout.split('\n').filter(Boolean);
  return [...containers.map((c) => `container ${c}`), ...networks.map((n) => `network ${n}`)];
}

const interruptions: { command: 'cluster-up' | 'certify'; name: string; args: string[] }[] = [
  { command: 'cluster-up', name: 'kpc-interrupt', args: ['--proxy-mode', 'iptables'] },
  { command: 'certify', name: 'kpc-interrupt-certify', args: ['--report-dir', path.join(os.tmpdir(), 'kpc-interrupt-certify')] },
];

test.describe('cluster lifecycle', () => {
  for (const { command, name, args } of interruptions) {
    test(`Ctrl-C while ${command} creates nodes leaves no containers, networks or volumes`, async () => {
      // A run of this test that died half way may have left its cluster; start clean.
      expect((await runCli('cluster-down', ['--name', name])).code).toBe(0);
      const before = await volumes();
      const up = startCli(command, ['--name', name, ...args]);
      await waitFor(async () => ((await leftovers(name)).some((l) => l.startsWith('container')) ? true : notYet(up.output().split('\n').slice(-2).join(' '))), {
        what: `${command} to start creating node containers`,
        timeoutMs: 180_000,
        intervalMs: 250,
      });
      up.child.kill('SIGINT');
      const result = await up.done;
      expect(result.code, result.stderr.split('\n').slice(-3).join('\n')).toBe(130);
      expect(await leftovers(name)).toEqual([]);
      const added = [...(await volumes())].filter((v) => !before.has(v));
      expect(added, 'volumes created by the interrupted run').toEqual([]);
    });
  }

  test('cluster:up refuses a name that is in use, and leaves that cluster alone', async ({ state }) => {
    test.skip(state.info.provider !== 'kind', 'needs a kind cluster');
    const result = await runCli('cluster-up', ['--name', state.info.name]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(new RegExp(`^error: a kind cluster named "${state.info.name}" already exists .*--reuse`));
    expect((await run('docker', ['ps', '-q', '--filter', `label=io.x-k8s.kind.cluster=${state.info.name}`])).stdout.trim().split('\n')).toHaveLength(3);
  });
});
