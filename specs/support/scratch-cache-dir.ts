import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from '@playwright/test';

/**
 * Points the harness's cache (KPC_CACHE_DIR) at a new directory for each test of the calling
 * describe, and removes it after; returns the current test's directory.
 */
export function useScratchCacheDir(): () => string {
  let dir = '';
  const previous = process.env.KPC_CACHE_DIR;
  test.beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kpc-cache-'));
    process.env.KPC_CACHE_DIR = dir;
  });
  test.afterEach(() => {
    if (previous === undefined) delete process.env.KPC_CACHE_DIR;
    else process.env.KPC_CACHE_DIR = previous;
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}
