import { test, expect } from '../support/fixtures.js';
import { FEATURES } from '../../harness/features/registry.js';
import { FeatureExecution } from '../../harness/run/feature-suite.js';
import { TrafficLane } from '../../harness/traffic/traffic-lane.js';

/**
 * Every feature of the registry that the project's run asks for, as certify runs it: a serial
 * group per feature, one test per step (skipped, with the reason, where the cluster cannot test
 * it or a step found so), and a last test that requires every check to pass, grouped per node.
 */
for (const feature of FEATURES) {
  test.describe.serial(`${feature.id}: ${feature.title}`, () => {
    let execution: FeatureExecution | undefined;

    test.beforeAll(async ({ run, state, kubectl, log }) => {
      test.skip(!run.features.includes(feature.id), `not in this run's features (profile ${run.profile})`);
      execution = new FeatureExecution(feature, { run, state, kubectl, log, lane: new TrafficLane() });
      if (execution.stopped === null) await execution.claimNamespace();
    });

    // Skipped with the reason once the cluster is found unable to test the feature, before or during its steps.
    test.beforeEach(() => test.skip(execution?.stopped != null, execution?.stopped ?? ''));

    test.afterAll(async ({ log }, testInfo) => {
      if (!execution) return;
      const { report } = await execution.finish(testInfo.errors[0]?.message);
      log.step(`${feature.id}: ${report.status}${report.reason ? ` (${report.reason})` : ''}`);
    });

    // The titles are read from a list made at load; each run's execution makes its own (the same steps, fresh state).
    for (const [i, { title }] of feature.steps().entries()) {
      test(title, async () => {
        await execution!.runStep(execution!.steps[i]!);
        test.skip(execution!.stopped !== null, execution!.stopped ?? '');
      });
    }

    test(`${feature.id}: every check passes, on every node`, async () => {
      const report = execution!.result.report();
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
