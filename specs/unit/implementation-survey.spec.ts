import { test, expect } from '@playwright/test';
import type { Kubectl } from '../../harness/kube/kubectl.js';
import { surveyImplementation } from '../../harness/cluster/implementation-survey.js';

const daemonSet = (namespace: string, name: string, image: string) => ({ metadata: { namespace, name }, spec: { template: { spec: { containers: [{ image }] } } } });
const clusterWith = (...items: ReturnType<typeof daemonSet>[]) => ({ jsonIfAny: async () => ({ items }) }) as unknown as Kubectl;

test('a DaemonSet named like a proxy is the implementation, even beside Cilium as the CNI', async () => {
  const found = await surveyImplementation(clusterWith(daemonSet('kube-system', 'cilium', 'quay.io/cilium/cilium:v1.19.5'), daemonSet('kube-system', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.34.4')), {});
  expect([found.name, found.version]).toEqual(['kube-proxy', 'v1.34.4']);
});

test("with no DaemonSet named like a proxy, Cilium's agent is (its kube-proxy replacement)", async () => {
  const found = await surveyImplementation(clusterWith(daemonSet('kube-system', 'cilium', 'kube-proxy-conformance/cilium:v1.19.5'), daemonSet('kube-system', 'kindnet', 'kindnet:v1')), {});
  expect([found.name, found.version, found.url]).toEqual(['cilium', 'v1.19.5', 'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/']);
});

test('with neither, the implementation is unknown and says how to name it', async () => {
  expect((await surveyImplementation(clusterWith(daemonSet('kube-system', 'kindnet', 'kindnet:v1')), {})).name).toBe('unknown');
});
