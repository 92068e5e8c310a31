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
    const child = spawn(command, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: options.signal,
      timeout: options.timeoutMs,
      killSignal: 'SIGTERM',
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!options.onStderrLine) return;
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onStderrLine(line);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new CommandError(command, args, null, '', `${command}: not found`));
      else if (error.name === 'AbortError') reject(new CommandError(command, args, null, stdout, stderr, 'SIGTERM'));
      else reject(error);
    });
    child.on('close', (exitCode, signal) => {
      const result = { stdout, stderr, exitCode, signal };
      if (options.check !== false && (exitCode !== 0 || signal)) {
        reject(new CommandError(command, args, exitCode, stdout, stderr, signal));
      } else resolve(result);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
