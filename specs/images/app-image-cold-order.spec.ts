import { spawn } from 'node:child_process';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { run } from '../../harness/util/exec.js';
import { REPO_ROOT } from '../../harness/util/repo-root.js';
import { notYet, waitFor } from '../../harness/util/wait.js';
import { useScratchCacheDir } from '../support/scratch-cache-dir.js';

/** The runtime base image the node image's build makes (images/lib/common.sh). */
const RUNTIME = 'kube-proxy-conformance/runtime:bookworm';

/**
 * A new machine's order, replayed: certify builds the app image while the node image's build is
 * still making the runtime base image, and no registry answers. Once, the app build then tried
 * node:20-bookworm-slim and failed the first run after 25 minutes. Here the runtime image goes by
 * a name of its own that is not there yet, the public base cannot be pulled (a name no registry
 * has), and this test holds the runtime build's lock as the node image's build would: the app
 * build must wait for that build, then build on the runtime image it made, pulling nothing.
 */
test.describe('the app image on a new machine', () => {
  const cacheDir = useScratchCacheDir();
  const names = { runtime: `kpc-test/runtime:cold-${process.pid}`, app: `kpc-test/helloworld:cold-${process.pid}` };

  test.afterEach(async () => {
    await run('docker', ['image', 'rm', names.app, names.runtime], { check: false });
  });

  test('waits for the runtime base image being built, and builds on it instead of pulling a public base', async () => {
    test.setTimeout(5 * 60_000);
    const runtimeId = (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', RUNTIME], { check: false })).stdout.trim();
    expect(runtimeId, `${RUNTIME} must be built first (npm run build:node-image, as .ci/run does)`).not.toBe('');
    // The node image's build, mid-way through the runtime image: it holds the lock the runtime build takes.
    const holder = spawn('flock', [path.join(cacheDir(), 'runtime-image.lock'), 'cat'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const env = { ...process.env, KPC_RUNTIME_IMAGE: names.runtime, KPC_APP_IMAGE: names.app, KPC_PUBLIC_BASE_IMAGE: 'kpc-test/no-registry-has-this:0' };
    let log = '';
    try {
      let ended = false;
      const build = run('bash', [path.join(REPO_ROOT, 'app/build-image.sh')], { env, check: false, onStderrLine: (line) => (log += `${line}\n`) }).finally(() => (ended = true));
      await waitFor(async () => {
        if (log.includes('holds runtime-image.lock; waiting')) return true;
        if (ended) throw new Error(`the app build ended without waiting for the runtime image build:\n${log}`);
        return notYet(log.split('\n').slice(-2).join(' '));
      }, {
        what: 'the app build to wait for the runtime image build',
        timeoutMs: 120_000,
        intervalMs: 100,
        rethrow: () => true,
      });
      expect(log, 'the public base was tried first, and could not be pulled').toMatch(/kpc-test\/no-registry-has-this:0 cannot be pulled/);
      // The node image's build finishes the runtime image (the same recipe, so the same inputs label), and lets go.
      await run('docker', ['tag', RUNTIME, names.runtime]);
      holder.stdin!.end();
      const result = await build;
      expect(result.exitCode, log).toBe(0);
      expect(result.stdout.trim().split('\n').pop()).toBe(names.app);
      expect(log).toMatch(new RegExp(`runtime: ${names.runtime.replace(/[/:.]/g, '\\$&')} is up to date`));
      const labels = JSON.parse((await run('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', names.app])).stdout) as Record<string, string>;
      expect(labels['io.kube-proxy-conformance.base-image'], 'the app image is built on the local runtime image').toBe(names.runtime);
      const parent = (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', names.runtime])).stdout.trim();
      const history = (await run('docker', ['image', 'history', '--no-trunc', '--format', '{{.ID}}', names.app])).stdout;
      expect(history, 'the runtime image is a layer of the app image').toContain(parent);
    } finally {
      holder.kill();
    }
  });
});
