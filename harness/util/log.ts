/** Progress goes to stderr, so stdout stays free for what a command is asked to print. */
export interface Logger {
  step(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/**
 * The run's one clock: the epoch (ms) in KPC_CLOCK_EPOCH, which the first process of a run sets and
 * every child (Playwright's workers, nested commands) inherits, so progress reads as one timeline.
 */
export const CLOCK_EPOCH_ENV = 'KPC_CLOCK_EPOCH';

export function runEpoch(): number {
  const inherited = Number(process.env[CLOCK_EPOCH_ENV]);
  if (Number.isFinite(inherited) && inherited > 0) return inherited;
  const now = Date.now();
  process.env[CLOCK_EPOCH_ENV] = String(now);
  return now;
}

export function createLogger(scope: string, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const started = runEpoch();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
  return {
    step: (m) => write(`[${scope} ${stamp()}] ${m}\n`),
    info: (m) => write(`[${scope} ${stamp()}]   ${m}\n`),
    warn: (m) => write(`[${scope} ${stamp()}] warning: ${m}\n`),
  };
}

export const silentLogger: Logger = { step() {}, info() {}, warn() {} };
