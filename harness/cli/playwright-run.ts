import { spawn } from 'node:child_process';
import { existsSync, rmdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { RUN_CONFIG_ENV, SETUP_PID_ENV, type RunConfig } from '../run/run-config.js';
import { groupAlive, killGroup } from '../util/exec.js';
import { REPO_ROOT } from '../util/repo-root.js';
import { notYet, waitFor } from '../util/wait.js';

/**
 * certify's Playwright process. It is started while certify sets the cluster up, so that its own
 * start (about 4 s of loading on two cores) overlaps the setup; its worker waits for the setup's
 * last state before the first step (awaitClusterState). Its output is held until `release()`:
 * a setup that fails stops it unseen, and a user reads the setup's lines, then the tests.
 */
export class PlaywrightRun {
  /** Playwright's exit code, once every process of its group has exited. */
  readonly exited: Promise<number>;
  private held: Array<[NodeJS.WriteStream, Buffer]> | 'released' | 'discarded' = [];
  private readonly stopping = new AbortController();

  /** Playwright's output folder, and the report folder when this run is the one that makes it. */
  private readonly made: { outputDir: string; reportDir: string | null };

  /** `env`: added to the run's environment (certify's API proxy). */
  constructor(config: RunConfig, signal: AbortSignal, env: Record<string, string> = {}) {
    this.made = { outputDir: path.join(config.reportDir, 'test-results'), reportDir: existsSync(config.reportDir) ? null : config.reportDir };
    const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
    // Installed as a package, the harness sits under node_modules, whose TypeScript Playwright does
    // not transform: tsx (a dependency) loads it there.
    const loader = REPO_ROOT.split(path.sep).includes('node_modules') ? ['--import', import.meta.resolve('tsx/esm')] : [];
    // A process group of its own: Ctrl-C is forwarded to all of it (workers, kind, docker), and
    // clean-up starts only once every one of them has exited, so nothing is created after it.
    const child = spawn(process.execPath, [...loader, cli, 'test', '--config', path.join(REPO_ROOT, 'playwright.config.ts')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, ...env, [RUN_CONFIG_ENV]: JSON.stringify(config), [SETUP_PID_ENV]: String(process.pid), FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
    });
    child.stdout.on('data', (chunk: Buffer) => this.write(process.stdout, chunk));
    child.stderr.on('data', (chunk: Buffer) => this.write(process.stderr, chunk));
    const stopOn = AbortSignal.any([signal, this.stopping.signal]);
    // Before release its worker is still waiting for the setup and has made nothing: killed, it
    // writes no report either. Once released, an interrupt lets it end its steps and report.
    const stop = () => killGroup(child.pid, this.held === 'released' ? 'SIGINT' : 'SIGKILL');
    stopOn.addEventListener('abort', stop, { once: true });
    this.exited = new Promise((resolve) => {
      child.on('close', async (code) => {
        stopOn.removeEventListener('abort', stop);
        if (stopOn.aborted && child.pid !== undefined) {
          const pgid = child.pid;
          await waitFor(async () => (groupAlive(pgid) ? notYet('processes of the run are still stopping') : true), {
            what: 'the interrupted run to stop',
            timeoutMs: 30_000,
            intervalMs: 200,
          }).catch(() => killGroup(pgid, 'SIGKILL'));
        }
        resolve(code ?? 1);
      });
    });
  }

  /** Prints what Playwright has said so far, and from now on as it says it. */
  release(): void {
    if (!Array.isArray(this.held)) return;
    for (const [stream, chunk] of this.held) stream.write(chunk);
    this.held = 'released';
  }

  /** Stops the run (its output unseen if not released yet), and resolves once all of it has exited. */
  async stop(): Promise<void> {
    const discarding = this.held !== 'released';
    if (discarding) this.held = 'discarded';
    this.stopping.abort();
    await this.exited;
    if (!discarding) return;
    // Stopped before its first step, it has made only its output folder (and perhaps the report folder).
    rmSync(this.made.outputDir, { recursive: true, force: true });
    if (this.made.reportDir) rmdirIfEmpty(this.made.reportDir);
  }

  private write(stream: NodeJS.WriteStream, chunk: Buffer): void {
    if (Array.isArray(this.held)) this.held.push([stream, chunk]);
    else if (this.held === 'released') stream.write(chunk);
  }
}

function rmdirIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (the run wrote into it), or already gone.
  }
}
