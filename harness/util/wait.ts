import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Names what was awaited, for the timeout message. */
  what: string;
  signal?: AbortSignal;
  /** Errors of the probe that end the wait at once instead of counting as "not yet". */
  rethrow?: (error: unknown) => boolean;
}

/**
 * Polls `probe` until it returns a value other than undefined, or fails with a message that says
 * what was awaited and the last reason the probe gave.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | { notYet: string }>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastReason = 'no answer yet';
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await probe();
      if (value !== undefined && !isNotYet(value)) return value as T;
      if (isNotYet(value)) lastReason = value.notYet;
    } catch (error) {
      if (options.rethrow?.(error)) throw error;
      lastReason = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.what} (${lastReason})`);
    }
    await delay(options.intervalMs ?? 1000, undefined, { signal: options.signal });
  }
}

function isNotYet(value: unknown): value is { notYet: string } {
  return typeof value === 'object' && value !== null && 'notYet' in value;
}

export const notYet = (reason: string) => ({ notYet: reason });
