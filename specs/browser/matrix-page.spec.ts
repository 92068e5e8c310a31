import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, expect, type Page } from '@playwright/test';
import { matrixRows, renderMatrix, type Matrix, type MatrixColumn } from '../../harness/report/matrix.js';
import type { Report } from '../../harness/report/report-types.js';
import { failingReport, passingReport } from '../support/report-fixtures.js';
import { scratchDir } from '../support/scratch.js';

/** matrix.html in a real browser (Debian's chromium): a passing, a failing and an untestable column. */
const RED = 'rgb(207, 34, 46)';

function column(entry: string, report: Report | null, notTestable: string | null = null): MatrixColumn {
  return {
    entry,
    notTestable,
    exitCode: report ? (report.verdict === 'pass' ? 0 : 1) : null,
    seconds: report ? 150 : null,
    reportDir: null,
    implementation: report ? `${report.implementation.name} ${report.implementation.version}` : null,
    proxyMode: report?.proxyMode ?? null,
    verdict: report?.verdict ?? null,
    error: report?.error ?? null,
  };
}

function writeMatrix(reports: (Report | null)[], columns: MatrixColumn[]): { file: string; matrix: Matrix } {
  const matrix: Matrix = { profile: 'nodeport', columns, rows: matrixRows(reports), latencies: [], startedAt: '2026-11-30T19:00:00Z', finishedAt: '2026-11-30T19:10:00Z' };
  const file = path.join(scratchDir('page'), 'matrix.html');
  writeFileSync(file, renderMatrix(matrix));
  return { file, matrix };
}

/** What a reader must see: one column per implementation with its verdict, one row per check, failing cells in red. */
async function expectMatrixPage(page: Page, file: string, matrix: Matrix): Promise<void> {
  await page.goto(pathToFileURL(file).href);
  const headers = page.locator('thead th:not(.row)');
  await expect(headers).toHaveCount(matrix.columns.length);
  for (const [i, c] of matrix.columns.entries()) await expect(headers.nth(i)).toContainText(c.entry);
  const verdicts = page.locator('tbody tr').first().locator('td');
  await expect(verdicts).toHaveText(matrix.columns.map((c) => (c.notTestable ? 'not testable here' : (c.verdict ?? 'error').toUpperCase())));
  await expect(page.locator('tbody tr')).toHaveCount(3 + matrix.rows.length);
  const failing = page.locator('tbody td.fail:not(:first-child)');
  const failures = matrix.rows.flatMap((r) => r.cells).filter((c) => c?.startsWith('fail')).length + matrix.columns.filter((c) => c.verdict === 'fail').length;
  await expect(failing).toHaveCount(failures);
  for (const cell of await failing.all()) await expect(cell).toHaveCSS('color', RED);
}

test.describe('matrix.html in a browser', () => {
  const reports = [passingReport(), failingReport(), null];
  const columns = [column('kube-proxy:nftables', reports[0]!), column('examples/broken-kube-proxy-v1.33', reports[1]!), column('kube-proxy:ipvs', null, 'ipvs: not testable on this host (the kernel has no IP_VS)')];

  test('a column per implementation with its verdict; the broken one\'s failing checks in red, on its node', async ({ page }) => {
    const { file, matrix } = writeMatrix(reports, columns);
    await expectMatrixPage(page, file, matrix);
    const brokenNode = page.locator('tbody tr').filter({ has: page.locator('td.row', { hasText: /^worker2$/ }) }).filter({ has: page.locator('td.fail') });
    await expect(brokenNode.first()).toBeVisible();
  });

  test('the check does fail on a broken page: a column left out', async ({ page }) => {
    const { file, matrix } = writeMatrix(reports.slice(0, 2), columns.slice(0, 2));
    await expect(expectMatrixPage(page, file, { ...matrix, columns })).rejects.toThrow(/toHaveCount|toHaveText/);
  });
});
