import { test, expect } from '@playwright/test';
import { environmentChanges, environmentProblems, type EnvironmentSnapshot } from '../../harness/kube/environment-snapshot.js';

const healthy: EnvironmentSnapshot = {
  nodes: [
    { name: 'cp', ready: true, condition: 'Ready=True (KubeletReady)' },
    { name: 'w1', ready: true, condition: 'Ready=True (KubeletReady)' },
  ],
  pods: [
    { name: 'hw-a', uid: 'u1', ip: '10.244.1.2', node: 'w1', ready: true, restarts: 0, deleting: false },
    { name: 'hw-b', uid: 'u2', ip: '10.244.1.3', node: 'w1', ready: true, restarts: 0, deleting: false },
  ],
};

test('a healthy snapshot has no problems and no changes against itself', () => {
  expect(environmentProblems(healthy)).toEqual([]);
  expect(environmentChanges(healthy, healthy)).toEqual([]);
});

test('a NotReady node and pods not ready or going away are problems, named', () => {
  const sick: EnvironmentSnapshot = {
    nodes: [healthy.nodes[0]!, { name: 'w1', ready: false, condition: 'Ready=Unknown (NodeStatusUnknown)' }],
    pods: [{ ...healthy.pods[0]!, ready: false }, { ...healthy.pods[1]!, deleting: true }],
  };
  expect(environmentProblems(sick)).toEqual(['node w1 is NotReady (Ready=Unknown (NodeStatusUnknown))', 'pod hw-b is being deleted', 'pod hw-a is not ready']);
});

test('deleted, replaced, restarted, re-addressed and new pods and nodes going NotReady are changes', () => {
  const after: EnvironmentSnapshot = {
    nodes: [healthy.nodes[0]!, { name: 'w1', ready: false, condition: 'Ready=False (KubeletNotReady)' }],
    pods: [
      { ...healthy.pods[0]!, restarts: 1 },
      { ...healthy.pods[1]!, uid: 'u9' },
      { name: 'hw-c', uid: 'u3', ip: '10.244.2.2', node: 'cp', ready: false, restarts: 0, deleting: false },
    ],
  };
  expect(environmentChanges(healthy, after)).toEqual([
    'node w1 became NotReady (Ready=False (KubeletNotReady))',
    'pod hw-a restarted (0 -> 1 restarts)',
    'pod hw-b was deleted',
    'pod hw-c appeared',
  ]);
  expect(environmentChanges(healthy, { ...healthy, pods: [{ ...healthy.pods[0]!, ip: '10.244.1.9' }, { ...healthy.pods[1]!, deleting: true }] })).toEqual([
    'pod hw-a changed IP (10.244.1.2 -> 10.244.1.9)',
    'pod hw-b is being deleted',
  ]);
});
