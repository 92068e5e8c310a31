import { spawn } from 'node:child_process';
import { CommandError } from './errors.js';

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Called with each complete line of stderr, for progress. */
  onStderrLine?: (line: string) => void;
  /** Called with each complete line of stdout, for programs that stream (kubectl --watch). */
  onStdoutLine?: (line: string) => void;
  /** When false, a non-zero exit resolves instead of throwing. */
  check?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs a program with an argument array (never a shell string). */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Its own process group, so an abort reaches the children it started too (kind runs docker).
    const child = spawn(command, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGTERM',
      detached: options.signal !== undefined,
    });
    const abort = () => killGroup(child.pid, 'SIGTERM');
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    let stdout = '';
    let stderr = '';
    const outLines = lineSplitter(options.onStdoutLine);
    const errLines = lineSplitter(options.onStderrLine);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      outLines(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      errLines(d);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', abort);
      if (error.code === 'ENOENT') reject(new CommandError(command, args, null, '', `${command}: not found`));
      else reject(error);
    });
    // 'close' comes once every process holding the pipes (the grandchildren too) has exited.
    child.on('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', abort);
      const result = { stdout, stderr, exitCode, signal };
      if (options.check !== false && (exitCode !== 0 || signal)) {
        reject(new CommandError(command, args, exitCode, stdout, stderr, signal));
      } else resolve(result);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Signals a process group started with `detached: true`; a group already gone is fine. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left to stop.
  }
}

/** True while the process `pid` is alive (a negative pid: any process of that group). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group `pgid` is alive. */
export const groupAlive = (pgid: number): boolean => processAlive(-pgid);

/** Feeds chunks in, calls `onLine` with each complete line (no-op without a listener). */
function lineSplitter(onLine?: (line: string) => void): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    if (!onLine) return;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
}
