import { test, expect } from '@playwright/test';
import { asKubectlPrints, getRequest } from '../../harness/kube/get-request.js';

test('the reads the harness makes map to their API paths', () => {
  expect(getRequest(['get', 'nodes'], undefined)).toEqual({ path: '/api/v1/nodes', query: {}, list: true, managedFields: false });
  expect(getRequest(['get', 'service', 'helloworld'], 'kpc-lab')?.path).toBe('/api/v1/namespaces/kpc-lab/services/helloworld');
  expect(getRequest(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=hw'], 'kpc-lab')).toEqual({
    path: '/apis/discovery.k8s.io/v1/namespaces/kpc-lab/endpointslices',
    query: { labelSelector: 'kubernetes.io/service-name=hw' },
    list: true,
    managedFields: false,
  });
  expect(getRequest(['get', 'pods', '--namespace', 'kube-system', '-l', 'k8s-app=kube-proxy'], undefined)?.path).toBe('/api/v1/namespaces/kube-system/pods');
  expect(getRequest(['get', 'deployment', 'helloworld'], 'kpc-lab')?.path).toBe('/apis/apps/v1/namespaces/kpc-lab/deployments/helloworld');
  expect(getRequest(['get', 'daemonset', 'kube-proxy'], 'kube-system')?.path).toBe('/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy');
  expect(getRequest(['get', 'nodes', '--show-managed-fields'], undefined)?.managedFields).toBe(true);
  expect(getRequest(['get', 'daemonsets', '--all-namespaces'], undefined)?.path).toBe('/apis/apps/v1/daemonsets');
  expect(getRequest(['get', 'pods', '-A', '-l', 'app=x'], 'ns')?.path).toBe('/api/v1/pods');
});

test('what the mapping does not know is left to a kubectl process', () => {
  // No namespace: only kubectl knows the context's.
  expect(getRequest(['get', 'pods'], undefined)).toBeNull();
  // One object in every namespace is no API path: kubectl refuses it too.
  expect(getRequest(['get', 'daemonset', 'kube-proxy', '--all-namespaces'], undefined)).toBeNull();
  expect(getRequest(['get', 'ingresses'], 'ns')).toBeNull();
  expect(getRequest(['get', 'pods', 'a', 'b'], 'ns')).toBeNull();
  expect(getRequest(['describe', 'svc', 'x'], 'ns')).toBeNull();
});

test('an API list is printed as kubectl prints it: items name their kind, no managed fields unless asked', () => {
  const answer = () => ({ kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'a', managedFields: [{ manager: 'kubelet' }] } }] });
  const list = getRequest(['get', 'pods', '-l', 'app=x'], 'ns')!;
  expect(asKubectlPrints(answer(), list)).toEqual({ kind: 'PodList', apiVersion: 'v1', items: [{ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'a' } }] });
  const withFields = getRequest(['get', 'pods', '-l', 'app=x', '--show-managed-fields'], 'ns')!;
  expect(asKubectlPrints<{ items: { metadata: { managedFields?: unknown } }[] }>(answer(), withFields).items[0]!.metadata.managedFields).toEqual([{ manager: 'kubelet' }]);
  const one = getRequest(['get', 'service', 'x'], 'ns')!;
  expect(asKubectlPrints({ kind: 'Service', metadata: { name: 'x', managedFields: [] } }, one)).toEqual({ kind: 'Service', metadata: { name: 'x' } });
});
