import { test, expect } from '@playwright/test';
import { readClusterState, writeClusterState, type ClusterState, type RunConfig } from '../../harness/run/run-config.js';
import { scratchDir } from '../support/scratch.js';

const run = (runId: string, reportDir: string) => ({ runId, reportDir }) as RunConfig;
const state = {
  info: { name: 'c', kubeconfig: '/k', provider: 'kind', proxyMode: 'nftables', kubernetesVersion: 'v1' },
  created: true,
  namespaceCreated: false,
  appImage: 'i',
} as ClusterState;

test("the setup's state is read back whole, tagged with the run that wrote it (the teardown deletes only what it says was made)", async () => {
  const dir = scratchDir('state');
  writeClusterState(run('this', dir), state);
  expect(readClusterState(run('this', dir))).toEqual({ ...state, runId: 'this' });
});

test('no state (the setup never ran or failed before its first step) is an error naming the file', async () => {
  const dir = scratchDir('state');
  expect(() => readClusterState(run('this', dir))).toThrow(/no cluster state in .*cluster\.json: the cluster setup did not run or failed/);
});
