import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from '@playwright/test';
import path from 'node:path';
import { REPO_ROOT } from '../../harness/util/repo-root.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The commands a spec can run (`cluster-up` is `cluster up`). */
export type CliName = 'certify' | 'cluster-up' | 'cluster-down' | 'matrix' | 'upstream';

const BIN = path.join(REPO_ROOT, 'bin/kube-proxy-conformance.mjs');

/** Starts one of the commands as the npm scripts do (`node bin/kube-proxy-conformance.mjs cluster up ...`), with an argument array. */
export function startCli(name: CliName, args: string[], env: NodeJS.ProcessEnv = {}, options: { detached?: boolean } = {}): { child: ChildProcess; done: Promise<CliResult>; output: () => string } {
  const child = spawn(process.execPath, [BIN, ...name.split('-'), ...args], {
    cwd: REPO_ROOT,
    env: { ...parentEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a spec can kill it with its children (`kubectl proxy`), as a lost VM would.
    detached: options.detached,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => stderr };
}

export function runCli(name: CliName, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(name, args, env).done;
}

/** A nested Playwright run must not think it is one of this run's workers. */
function parentEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(PW_|PLAYWRIGHT_|TEST_WORKER_|TEST_PARALLEL_)/.test(key)));
}

/** A refusal: exit 2, one "error: <problem>: <fix>" line on stderr matching `says`, no stack trace. */
export function expectOneLineRefusal(result: CliResult, says: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines, 'exactly one line on stderr').toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(says);
  expect(lines[0], 'names a fix after the problem').toMatch(/: (use|pass|drop|start|set|pick|fix|point|add|see|run) /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/**
 * What a failed expectation on certify's exit code should show: its failing checks, errors and
 * verdict, then its last line (the clean-up's lines come last and say nothing of why).
 */
export function outcomeLines(stderr: string, most = 20): string {
  const lines = stderr.trim().split('\n');
  const telling = lines.filter((l) => /\b(FAIL|ERROR)\b|error:|verdict:/.test(l));
  return [...new Set([...telling.slice(0, most), lines.at(-1) ?? ''])].join('\n');
}
