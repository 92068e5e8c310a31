import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CleanupStack } from '../util/cleanup.js';
import { errorMessage, UsageError } from '../util/errors.js';
import { createLogger, type Logger } from '../util/log.js';

export interface CliContext {
  log: Logger;
  cleanup: CleanupStack;
  signal: AbortSignal;
}

/** Parses argv with commander; any usage problem becomes one line and exit code 2. */
export function parseArgs(program: Command, argv = process.argv): void {
  program.exitOverride().configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) });
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') process.exit(0);
      // commander says how many arguments were too many, not which: the user needs to see them.
      const message = error.code === 'commander.excessArguments' ? `unexpected argument${program.args.length === 1 ? '' : 's'} ${program.args.map((a) => `"${a}"`).join(' ')} (this command takes options only)` : error.message.replace(/^error: /, '');
      process.stderr.write(`error: ${message}: see \`--help\` for the options\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** A command that ends with an error line and an exit code of its choosing. */
export interface CliFailure {
  code: number;
  error: string;
}

/**
 * Runs a command body with clean-up on every exit path: 0 on success (or the number it returns),
 * 2 for usage or environment problems, 130 after Ctrl-C, 1 for anything else. No stack traces.
 */
export async function runCli(scope: string, body: (ctx: CliContext) => Promise<number | void | CliFailure>): Promise<never> {
  const log = createLogger(scope);
  const cleanup = new CleanupStack(log);
  const untrap = cleanup.trapSignals();
  let code: number;
  // Printed after the clean-up, so that the error is the last line a user (or a CI log) sees.
  let lastWords: string | undefined;
  try {
    const outcome = await body({ log, cleanup, signal: cleanup.signal });
    if (typeof outcome === 'object') ({ code, error: lastWords } = outcome);
    else code = outcome ?? 0;
  } catch (error) {
    if (cleanup.interrupted) code = 130;
    else if (error instanceof UsageError) {
      lastWords = error.message;
      code = 2;
    } else {
      lastWords = errorMessage(error);
      if (process.env.KPC_DEBUG) lastWords += `\n${(error as Error).stack}`;
      code = 1;
    }
  }
  await cleanup.runAll();
  untrap();
  if (lastWords !== undefined && !cleanup.interrupted) process.stderr.write(`error: ${lastWords}\n`);
  if (cleanup.interrupted) {
    if (cleanup.failed.length === 0) log.step('interrupted: everything this run made has been removed');
    else log.warn(`interrupted; clean-up incomplete (${cleanup.failed.join('; ')}): see the warnings above`);
    code = 130;
  }
  process.exit(code);
}

/** A whole number from min to max; `max` says why it is the limit, for the message. */
export function positiveInt(name: string, min = 1, max?: { value: number; why: string }) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min) {
      throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got "${value}"`);
    }
    const limit = max ?? { value: Number.MAX_SAFE_INTEGER, why: 'the largest whole number a count can hold' };
    if (!Number.isSafeInteger(n) || n > limit.value) {
      throw new InvalidArgumentError(`${name} ${value} is too large; use at most ${limit.value} (${limit.why})`);
    }
    return n;
  };
}

/** A path: an empty one (an unset shell variable, say) is refused rather than taken as not given. */
export function pathArg(name: string) {
  return (value: string): string => {
    if (value.trim() === '') throw new InvalidArgumentError(`${name} needs a path, got an empty string`);
    return value;
  };
}

export function oneOf<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`unknown ${name} "${value}"; use one of ${choices.join(', ')}`);
  };
}
