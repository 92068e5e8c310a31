import { existsSync } from 'node:fs';
import { test as base } from '@playwright/test';
import { ApiProxies } from '../../harness/kube/api-proxies.js';
import { Kubectl } from '../../harness/kube/kubectl.js';
import { HelloworldLab } from '../../harness/lab/helloworld-lab.js';
import { readClusterState, type ClusterState, type RunConfig } from '../../harness/run/run-config.js';
import { setUpCluster } from '../../harness/run/cluster-setup.js';
import { tearDownRun } from '../../harness/run/tear-down.js';
import { StoppableSetup } from './stoppable-setup.js';
import { resolveKubectl } from '../../harness/tools/tool-resolver.js';
import { createLogger, type Logger } from '../../harness/util/log.js';

export interface RunOptions {
  /** Set per project in playwright.config.ts. */
  run: RunConfig;
  /**
   * The project's worker sets the run's cluster up before its first test and tears it down when
   * it stops (after the project's last test, or after a failed test, before the worker that
   * replaces it sets up a new one): a project that needs no setup and teardown projects.
   */
  ownCluster: boolean;
}

export interface ClusterFixtures {
  log: Logger;
  state: ClusterState;
  kubectl: Kubectl;
  lab: HelloworldLab;
}

export interface WorkerFixtures {
  /** The worker's `kubectl proxy`, one per kubeconfig: the reads of every test go through it. */
  apiProxies: ApiProxies;
  /** With `ownCluster`: deletes the worker's cluster when the worker stops, also during its setup. */
  workerClusterOwner: StoppableSetup;
  /** With `ownCluster`: the cluster this worker set up. */
  workerCluster: void;
}

/**
 * Every fixture is `box: 'self'`: not a step of its own. Playwright gives each fixture's setup and
 * teardown, in every test, a step with a captured and source-mapped stack; over the eight tests
 * of certify's run these four fixtures' steps took about 0.16 s of its worker's CPU (of 0.54 s
 * in all its step bookkeeping), in the path to the verdict. A fixture that throws still fails the
 * test with its error.
 */
const own = { box: 'self' } as const;

export const test = base.extend<ClusterFixtures, RunOptions & WorkerFixtures>({
  run: [undefined as unknown as RunConfig, { option: true, scope: 'worker' }],
  ownCluster: [false, { option: true, scope: 'worker' }],
  workerClusterOwner: [
    async ({ run, ownCluster }, use) => {
      const owner = new StoppableSetup();
      await use(owner);
      // Only the cluster this worker owns: a shared cluster outlives its workers.
      if (ownCluster) await owner.stop(() => tearDownRun(run, createLogger(run.name)));
    },
    { scope: 'worker', timeout: 5 * 60_000, ...own },
  ],
  workerCluster: [
    async ({ run, ownCluster, workerClusterOwner }, use) => {
      if (ownCluster) await workerClusterOwner.track(setUpCluster(run, createLogger(run.name), workerClusterOwner.signal));
      await use();
    },
    { scope: 'worker', auto: true, timeout: 30 * 60_000, ...own },
  ],
  apiProxies: [
    async ({}, use) => {
      const proxies = new ApiProxies();
      await use(proxies);
      await proxies.closeAll();
    },
    { scope: 'worker', ...own },
  ],
  log: [async ({ run }, use) => use(createLogger(run.name)), own],
  // Written by the project's setup (its own, or the shared cluster's setup project, which has ended).
  state: [async ({ run }, use) => use(readClusterState(run)), own],
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
