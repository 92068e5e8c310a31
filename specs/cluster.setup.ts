import { test } from './support/fixtures.js';
import { setUpCluster } from '../harness/run/cluster-setup.js';

test('boot the cluster (or attach to the one given) and load the app image', async ({ run, log }) => {
  test.setTimeout(90 * 60_000);
  await setUpCluster(run, log, new AbortController().signal);
});
