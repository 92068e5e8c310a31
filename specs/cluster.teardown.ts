import { test } from './support/fixtures.js';
import { tearDownRun } from '../harness/run/tear-down.js';

test('delete what the run made, unless asked to keep it', async ({ run, log }) => {
  test.setTimeout(5 * 60_000);
  if ((await tearDownRun(run, log)) === 'nothing-made') log.step('nothing to tear down (setup made nothing)');
});
