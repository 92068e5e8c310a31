import { test } from './support/fixtures.js';
import { setUpCluster } from '../harness/run/cluster-setup.js';
import { StoppableSetup } from './support/stoppable-setup.js';

// Stopped mid-boot (Ctrl-C), Playwright tears the test's fixtures down and abandons its body:
// the abort makes setUpCluster delete what it had made.
const stoppable = test.extend<{ setup: StoppableSetup }>({
  setup: async ({}, use) => {
    const setup = new StoppableSetup();
    await use(setup);
    await setup.stop();
  },
});

stoppable('boot the cluster (or attach to the one given) and load the app image', async ({ run, log, setup }) => {
  stoppable.setTimeout(90 * 60_000);
  await setup.track(setUpCluster(run, log, setup.signal));
});
