/**
 * A setup that a stopping Playwright worker can end and clean up after. When the run is
 * interrupted (Ctrl-C) or a worker stops, Playwright tears down only the fixtures whose setup has
 * finished, and abandons the rest; so the fixture that owns the clean-up is made first and holds
 * the setup's promise: its teardown aborts the setup, waits for it to end, then cleans up.
 */
export class StoppableSetup {
  private readonly controller = new AbortController();
  private pending: Promise<unknown> = Promise.resolve();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  track<T>(setup: Promise<T>): Promise<T> {
    this.pending = setup.catch(() => {});
    return setup;
  }

  async stop(cleanUp?: () => Promise<unknown>): Promise<void> {
    this.controller.abort();
    await this.pending;
    await cleanUp?.();
  }
}
