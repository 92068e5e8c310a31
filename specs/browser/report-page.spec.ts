import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { renderHeatmap } from '../../harness/report/heatmap.js';
import type { Report } from '../../harness/report/report-types.js';
import { expectReportPage } from '../support/report-page.js';
import { failingReport, passingReport } from '../support/report-fixtures.js';
import { scratchDir } from '../support/scratch.js';

/** The report page in a real browser (Debian's chromium), from reports the unit tests build. */
test.describe('heatmap.html in a browser', () => {
  const write = (report: Report): string => {
    const file = path.join(scratchDir('page'), 'heatmap.html');
    writeFileSync(file, renderHeatmap(report));
    return file;
  };

  test('a passing report: the PASS badge and one row per node', async ({ page }) => {
    const report = passingReport();
    await expectReportPage(page, write(report), report);
  });

  test('a failing report: the FAIL badge, one row per node, the missed endpoint outlined on the broken node', async ({ page }) => {
    const report = failingReport();
    await expectReportPage(page, write(report), report, [{ node: 'kind-worker2', pod: 'helloworld-abc' }]);
  });

  test('the check does fail on a broken page: rows removed', async ({ page }) => {
    const report = passingReport();
    const file = write({ ...report, features: report.features.map((f) => ({ ...f, measurements: f.measurements.map((m) => ({ ...m, sources: [] })) })) });
    await expect(expectReportPage(page, file, report)).rejects.toThrow(/toHaveCount|toContainText/);
  });
});
