import { stripVTControlCharacters } from 'node:util';

/** Bad input or an unusable environment: one line naming the problem and the fix, exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(problem: string, readonly fix: string) {
    super(`${problem}: ${fix}`);
    this.name = 'UsageError';
  }
}

/** A child process that failed; keeps the command and the tail of its stderr for the message. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
    readonly signal: NodeJS.Signals | null = null,
  ) {
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    const how = signal ? `was stopped by ${signal}` : `exited ${exitCode}`;
    super(`${command} ${args.slice(0, 4).join(' ')}${args.length > 4 ? ' ...' : ''} ${how}${tail ? `: ${tail}` : ''}`);
    this.name = 'CommandError';
  }
}

/** The run was interrupted (Ctrl-C or SIGTERM); exit code 130 after clean-up. */
export class InterruptedError extends Error {
  constructor(signal: string) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An error on one line for a report: colour codes dropped and the first `lines` non-empty lines
 * joined, so an assertion keeps its "Expected" and "Received" lines.
 */
export function oneLineMessage(error: unknown, lines = 3): string {
  return stripVTControlCharacters(errorMessage(error))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, lines)
    .join('; ');
}

/**
 * The cluster around the proxy was not fit to measure, or changed while it was measured (a node
 * NotReady, an app pod restarted or replaced): not a proxy fault, so exit code 2, never 1.
 */
export class EnvironmentError extends Error {
  readonly exitCode = 2;
  constructor(readonly problems: readonly string[], when: string) {
    super(`${when}: ${problems.join('; ')}: not a proxy fault; rerun once the cluster is stable`);
    this.name = 'EnvironmentError';
  }
}
