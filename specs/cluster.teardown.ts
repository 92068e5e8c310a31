import { test } from './support/fixtures.js';
import { tearDownRun } from '../harness/run/tear-down.js';
import { readClusterState } from '../harness/run/run-config.js';

test('delete what the run made, unless asked to keep it', async ({ run, log }) => {
  test.setTimeout(5 * 60_000);
  const outcome = await tearDownRun(run, log);
  if (outcome === 'nothing-made') log.step('nothing to tear down (setup made nothing)');
  if (outcome === 'kept') {
    const { info } = readClusterState(run);
    log.step(`keeping cluster "${info.name}": kubeconfig ${info.kubeconfig}`);
  }
});
