import { statSync } from 'node:fs';
import { stateFile, type RunConfig } from '../harness/run/run-config.js';
import { tearDownRun } from '../harness/run/tear-down.js';
import { createLogger, runEpoch } from '../harness/util/log.js';
import { testRuns } from './support/test-runs.js';

/**
 * The clean-up that runs after every `npm test`, also one stopped by Ctrl-C or cut short by a
 * failure, when Playwright skips the teardown project. It tears down the test clusters whose
 * state this invocation wrote (a cluster kept by an earlier `KPC_KEEP=1` run is left alone);
 * tearDownRun is safe to call again after the teardown project has run.
 */
export default async function globalTeardown(): Promise<void> {
  for (const run of Object.values(testRuns())) {
    if (writtenByThisInvocation(run)) await tearDownRun(run, createLogger(run.name));
  }
}

function writtenByThisInvocation(run: RunConfig): boolean {
  try {
    return statSync(stateFile(run)).mtimeMs >= runEpoch();
  } catch {
    return false;
  }
}
