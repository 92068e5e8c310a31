import { spawnSync } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { awaitClusterState, SETUP_PID_ENV, writeClusterState, type ClusterState, type RunConfig } from '../../harness/run/run-config.js';
import { scratchDir } from '../support/scratch.js';

const run = (runId: string, reportDir: string) => ({ runId, reportDir }) as RunConfig;
const state = (surveyed: boolean) =>
  ({
    info: { name: 'c', kubeconfig: '/k', provider: 'kind', proxyMode: 'nftables', kubernetesVersion: 'v1' },
    created: false,
    namespaceCreated: false,
    appImage: 'i',
    ...(surveyed ? { survey: {} } : {}),
  }) as ClusterState;

/** Runs `body` as a spec in certify's Playwright run would: with the setup's process id set. */
async function asCertifyWorker<T>(setupPid: number, body: () => Promise<T>): Promise<T> {
  const before = process.env[SETUP_PID_ENV];
  process.env[SETUP_PID_ENV] = String(setupPid);
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env[SETUP_PID_ENV];
    else process.env[SETUP_PID_ENV] = before;
  }
}

const deadPid = () => spawnSync('true').pid!;

test.describe("a spec in certify's run waits for the setup of its own run", () => {
  test('a surveyed state of this run is taken', async () => {
    const dir = scratchDir('state');
    writeClusterState(run('this', dir), state(true));
    const got = await asCertifyWorker(process.pid, () => awaitClusterState(run('this', dir)));
    expect(got.runId).toBe('this');
  });

  test('a state left by an earlier run is never taken, nor one not surveyed yet; certify gone ends the wait at once', async () => {
    for (const [writer, surveyed] of [['earlier', true], ['this', false]] as const) {
      const dir = scratchDir('state');
      writeClusterState(run(writer, dir), state(surveyed));
      const started = Date.now();
      await expect(asCertifyWorker(deadPid(), () => awaitClusterState(run('this', dir)))).rejects.toThrow(/certify's process \(\d+\) ended before the cluster was set up/);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  test('the state written while the spec waits is taken', async () => {
    const dir = scratchDir('state');
    writeClusterState(run('this', dir), state(false));
    const waiting = asCertifyWorker(process.pid, () => awaitClusterState(run('this', dir)));
    writeClusterState(run('this', dir), state(true));
    expect((await waiting).survey).toBeDefined();
  });
});

test('outside certify (npm test: the setup project has ended) the state is read as it is', async () => {
  const dir = scratchDir('state');
  expect(process.env[SETUP_PID_ENV]).toBeUndefined();
  await expect(awaitClusterState(run('this', dir))).rejects.toThrow(/no cluster state in/);
});
