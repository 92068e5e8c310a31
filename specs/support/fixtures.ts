import { test as base } from '@playwright/test';
import { Kubectl } from '../../harness/kube/kubectl.js';
import { HelloworldLab } from '../../harness/lab/helloworld-lab.js';
import { readClusterState, type ClusterState, type RunConfig } from '../../harness/run/run-config.js';
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

export const test = base.extend<RunOptions & ClusterFixtures>({
  run: [undefined as unknown as RunConfig, { option: true }],
  log: async ({ run }, use) => use(createLogger(run.name)),
  state: async ({ run }, use) => use(readClusterState(run)),
  kubectl: async ({ state, log }, use) => use(new Kubectl((await resolveKubectl(log)).path, state.info.kubeconfig)),
  lab: async ({ kubectl, run, state }, use) => use(new HelloworldLab(kubectl, run.namespace, state.appImage)),
});

export { expect } from '@playwright/test';
