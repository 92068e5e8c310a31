import type { Feature } from '../../harness/features/feature.js';
import { FeatureRun } from '../../harness/run/feature-run.js';
import { test, expect } from './fixtures.js';

/**
 * One feature's spec: a serial describe that starts the feature (skipped with the reason when the
 * cluster cannot test it), runs the steps `body` declares, ends with "every check passes" grouped
 * per node, and always writes the feature's result. `body` gets the FeatureRun through `current()`.
 */
export function describeFeature(feature: Feature, title: string, body: (current: () => FeatureRun) => void): void {
  test.describe.serial(title, () => {
    let run: FeatureRun;

    test.beforeAll(async ({ run: config, state }) => {
      run = FeatureRun.begin(feature, config, state.survey!.facts);
      test.skip(run.notRunnable !== null, run.notRunnable ?? '');
    });

    test.afterAll(async ({ log }, testInfo) => {
      const report = run.finish(testInfo.errors[0]?.message);
      log.step(`${feature.id}: ${report.status}${report.reason ? ` (${report.reason})` : ''}`);
    });

    body(() => run);

    test(`${feature.id}: every check passes, on every node`, async () => {
      const report = run.report();
      const nodes = [...new Set(report.checks.map((c) => c.node))];
      for (const node of nodes) {
        await test.step(node === null ? 'the whole cluster' : `node ${node}`, async () => {
          for (const check of report.checks.filter((c) => c.node === node)) expect.soft(check.status, `${check.id}: ${check.message}`).toBe('pass');
        });
      }
      expect(report.status, report.reason ?? 'a check did not pass').toBe('pass');
    });
  });
}
