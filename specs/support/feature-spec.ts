import type { Feature } from '../../harness/features/feature.js';
import { FeatureRun } from '../../harness/run/feature-run.js';
import { test, expect } from './fixtures.js';

/**
 * One feature's spec: a serial describe that starts the feature (skipped with the reason when the
 * cluster cannot test it, found before or during its steps), runs the steps `body` declares, ends
 * with "every check passes" grouped per node, and always writes the feature's result. `body` gets
 * the FeatureRun through `current()`, and may add hooks of its own (e.g. an afterAll that closes a
 * client).
 */
export function describeFeature(feature: Feature, title: string, body: (current: () => FeatureRun) => void): void {
  test.describe.serial(title, () => {
    let run: FeatureRun;

    test.beforeAll(async ({ run: config, state }) => {
      run = FeatureRun.begin(feature, config, state.survey!.facts);
      test.skip(run.notRunnable !== null, run.notRunnable ?? '');
    });

    // A step may still find the cluster unable to test the feature (current().skip(reason)): the
    // steps after it, and "every check passes", are skipped with that reason.
    test.beforeEach(() => test.skip(run.skipped !== null, run.skipped ?? ''));

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
