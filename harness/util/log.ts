/** Progress goes to stderr, so stdout stays free for what a command is asked to print. */
export interface Logger {
  step(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export function createLogger(scope: string, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const started = Date.now();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
  return {
    step: (m) => write(`[${scope} ${stamp()}] ${m}\n`),
    info: (m) => write(`[${scope} ${stamp()}]   ${m}\n`),
    warn: (m) => write(`[${scope} ${stamp()}] warning: ${m}\n`),
  };
}

export const silentLogger: Logger = { step() {}, info() {}, warn() {} };
