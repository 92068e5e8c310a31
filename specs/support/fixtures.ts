import { existsSync } from 'node:fs';
import { test as base } from '@playwright/test';
import { ApiProxies } from '../../harness/kube/api-proxies.js';
import { Kubectl } from '../../harness/kube/kubectl.js';
import { HelloworldLab } from '../../harness/lab/helloworld-lab.js';
import { awaitClusterState, SETUP_WAIT_TIMEOUT_MS, type ClusterState, type RunConfig } from '../../harness/run/run-config.js';
import { resolveKubectl } from '../../harness/tools/tool-resolver.js';
import { createLogger, type Logger } from '../../harness/util/log.js';

export interface RunOptions {
  /** Set per project in playwright.config.ts. */
  run: RunConfig;
}

export interface ClusterFixtures {
  log: Logger;
  state: ClusterState;
  kubectl: Kubectl;
  lab: HelloworldLab;
}

export interface WorkerFixtures {
  /** The worker's `kubectl proxy`, one per kubeconfig (certify's, in its run): the reads of every test go through it. */
  apiProxies: ApiProxies;
}

/**
 * Every fixture is `box: 'self'`: not a step of its own. Playwright gives each fixture's setup and
 * teardown, in every test, a step with a captured and source-mapped stack; over the eight tests
 * of certify's run these four fixtures' steps took about 0.16 s of its worker's CPU (of 0.54 s
 * in all its step bookkeeping), in the path to the verdict. A fixture that throws still fails the
 * test with its error.
 */
const own = { box: 'self' } as const;

export const test = base.extend<RunOptions & ClusterFixtures, WorkerFixtures>({
  run: [undefined as unknown as RunConfig, { option: true }],
  apiProxies: [
    async ({}, use) => {
      // In certify's run: certify's own proxy, which it keeps running until the run has ended.
      const proxies = ApiProxies.fromEnv();
      await use(proxies);
      await proxies.closeAll();
    },
    { scope: 'worker', ...own },
  ],
  log: [async ({ run }, use) => use(createLogger(run.name)), own],
  // Its own timeout: certify may still be booting the cluster when the first test starts.
  state: [async ({ run }, use) => use(await awaitClusterState(run)), { timeout: SETUP_WAIT_TIMEOUT_MS, ...own }],
  kubectl: [
    async ({ state, log, apiProxies }, use) => {
      const kubectl = new Kubectl(state.kubectl ?? (await resolveKubectl(log)).path, state.info.kubeconfig);
      // A cluster that is gone (its kubeconfig with it) is left to kubectl's own error.
      await use(existsSync(kubectl.kubeconfig) ? await apiProxies.attach(kubectl) : kubectl);
    },
    own,
  ],
  lab: [async ({ kubectl, run, state }, use) => use(new HelloworldLab(kubectl, run.namespace, state.appImage)), own],
});

export { expect } from '@playwright/test';
