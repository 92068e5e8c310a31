import { test, expect } from '@playwright/test';
import { CleanupStack } from '../../harness/util/cleanup.js';
import { createLogger } from '../../harness/util/log.js';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeRenderedConfig, writeRenderedConfig } from '../../harness/cluster/rendered-config.js';

test('clean-up runs every action in reverse order, once, and names the ones that failed', async () => {
  const lines: string[] = [];
  const cleanup = new CleanupStack(createLogger('t', (l) => lines.push(l)));
  const ran: string[] = [];
  cleanup.push('cluster', async () => void ran.push('cluster'));
  cleanup.push('namespace', async () => {
    ran.push('namespace');
    throw new Error('API server down');
  });
  cleanup.push('container', async () => void ran.push('container'));
  await Promise.all([cleanup.runAll(), cleanup.runAll()]);
  expect(ran).toEqual(['container', 'namespace', 'cluster']);
  expect(cleanup.failed).toEqual(['namespace']);
  expect(lines.some((l) => l.includes('warning: clean-up "namespace" failed: API server down'))).toBe(true);
});

test('a quiet action runs unannounced, and its failure is still told', async () => {
  const lines: string[] = [];
  const cleanup = new CleanupStack(createLogger('t', (l) => lines.push(l)));
  const ran: string[] = [];
  const failing = async () => {
    ran.push('proxy');
    throw new Error('gone');
  };
  cleanup.push('proxy', failing, { quiet: true });
  cleanup.push('cluster', async () => void ran.push('cluster'));
  await cleanup.runAll();
  expect(ran).toEqual(['cluster', 'proxy']);
  expect(lines.filter((l) => l.includes('cleaning up:')).map((l) => l.replace(/.*cleaning up: /, '').trim())).toEqual(['cluster']);
  expect(lines.some((l) => l.includes('clean-up "proxy" failed: gone'))).toBe(true);
});

test("a rendered kind config's folder is removed by its path, and no other folder is, whatever path a lease holds", () => {
  const file = writeRenderedConfig('kind: Cluster\n');
  expect(path.basename(path.dirname(file))).toMatch(new RegExp(`^kpc-${process.pid}-`));
  const other = mkdtempSync(path.join(os.tmpdir(), 'not-kpc-'));
  writeFileSync(path.join(other, 'kind-config.yaml'), '');
  try {
    removeRenderedConfig(path.join(other, 'kind-config.yaml'));
    removeRenderedConfig(path.join(path.dirname(file), '..', 'kind-config.yaml'));
    expect(existsSync(other), 'a folder not named like a rendered config').toBe(true);
    expect(existsSync(file)).toBe(true);
    removeRenderedConfig(file);
    expect(existsSync(path.dirname(file))).toBe(false);
  } finally {
    rmSync(other, { recursive: true, force: true });
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
