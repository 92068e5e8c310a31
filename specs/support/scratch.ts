import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from '@playwright/test';

/**
 * A new folder in the current test's output folder (under test-results/), for reports and other
 * evidence: it stays for a look after a failure, and Playwright empties test-results/ when the
 * next run starts, so nothing piles up in /tmp.
 */
export function scratchDir(prefix: string): string {
  return mkdtempSync(test.info().outputPath(`${prefix}-`));
}

/**
 * A folder the tests of one spec file share, for inputs they read: made before the first test and
 * removed after the last. Its path is known at import, so that test tables can name files in it,
 * but it is not made then: Playwright's runner imports a spec only to list its tests.
 */
export function specScratch(label: string, fill: (dir: string) => void = () => {}): string {
  const dir = path.join(os.tmpdir(), `kpc-${label}-${process.pid}`);
  test.beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    fill(dir);
  });
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
