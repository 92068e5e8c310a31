import { test, expect } from '@playwright/test';
import { CleanupStack } from '../../harness/util/cleanup.js';
import { createLogger } from '../../harness/util/log.js';

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
