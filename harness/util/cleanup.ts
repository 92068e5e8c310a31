import { errorMessage } from './errors.js';
import type { Logger } from './log.js';

type CleanupAction = { label: string; action: () => Promise<void>; quiet?: boolean };

/**
 * Clean-up actions run in reverse order of registration, once, on success, failure or Ctrl-C.
 * An interrupt aborts `signal`, so long steps stop waiting and the clean-up can start at once.
 */
export class CleanupStack {
  private readonly actions: CleanupAction[] = [];
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private interruptedBy: NodeJS.Signals | undefined;
  private readonly failedLabels: string[] = [];

  constructor(private readonly log: Logger) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): NodeJS.Signals | undefined {
    return this.interruptedBy;
  }

  /** Labels of the actions that threw; what they were to remove may still be there. */
  get failed(): readonly string[] {
    return this.failedLabels;
  }

  /** `quiet`: not announced (the harness's own helpers, not something the user would look for); its failure still is. */
  push(label: string, action: () => Promise<void>, options: { quiet?: boolean } = {}): void {
    this.actions.push({ label, action, quiet: options.quiet });
  }

  /** Forgets every action, e.g. when the user asked to keep what was made. */
  release(): void {
    this.actions.length = 0;
  }

  /** Installs SIGINT/SIGTERM handlers that abort the run; a second Ctrl-C is ignored while cleaning. */
  trapSignals(): () => void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.interruptedBy) return;
      this.interruptedBy = signal;
      this.log.warn(`${signal}: stopping and cleaning up (this can take a few seconds)`);
      this.controller.abort(new Error(`interrupted by ${signal}`));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  }

  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.actions.length > 0) {
        const { label, action, quiet } = this.actions.pop()!;
        if (!quiet) this.log.step(`cleaning up: ${label}`);
        try {
          await action();
        } catch (error) {
          this.failedLabels.push(label);
          this.log.warn(`clean-up "${label}" failed: ${errorMessage(error)}`);
        }
      }
    })();
    return this.running;
  }
}
