import { pathToFileURL } from 'node:url';
import { expect, type Page } from '@playwright/test';
import type { Report } from '../../harness/report/report-types.js';

/**
 * What a reader of heatmap.html must see, asserted in a real browser: the verdict badge, one
 * section per feature with its result, one row per source in every traffic table, and, on a
 * fault report, the cell of an endpoint a node never reached outlined in red.
 */
export async function expectReportPage(page: Page, file: string, report: Report, missed: { node: string; pod: string }[] = []): Promise<void> {
  await page.goto(pathToFileURL(file).href);
  await expect(page.locator('h1 .verdict')).toHaveText(report.verdict.toUpperCase());
  for (const feature of report.features) {
    const section = page.locator(`section[id="${feature.id}"]`);
    await expect(section.locator('h2 .verdict')).toHaveText(feature.status.toUpperCase());
    for (const [i, m] of feature.measurements.entries()) {
      const table = section.locator('table').nth(i);
      await expect(table.locator('tbody tr')).toHaveCount(m.sources.length + (m.balance?.pooled ? 1 : 0));
      for (const source of m.sources) await expect(table.locator(`tr[data-source="${source.node}"] th.row`)).toContainText(source.node);
    }
  }
  for (const { node, pod } of missed) {
    const cell = page.locator(`tr[data-source="${node}"] td[data-pod="${pod}"]`).first();
    await expect(cell).toHaveText(/^0/);
    await expect(cell).toHaveCSS('outline-style', 'solid');
    await expect(cell).toHaveCSS('outline-color', 'rgb(207, 34, 46)');
  }
}
