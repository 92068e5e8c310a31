import { test, expect } from '@playwright/test';
import { describeImplementation, declaredMode, implementationInputsFromManifests, reportedProxyMode } from '../../harness/cluster/implementation.js';
import { kubeProxyConfigMode } from '../../harness/queries/proxy-mode.js';
import { parseProxyManifests } from '../../harness/cluster/proxy-manifest.js';
import { podsToAwait, daemonSetReady } from '../../harness/kube/cluster-readiness.js';
import { judgeDaemonSet, readyTimeoutMs, RUNNING_READY_BUDGET_MS, SETTLE_MS, START_BUDGET_MS, PULL_BUDGET_MS, type DaemonSetJson, type PodJson, type PodProblem } from '../../harness/kube/daemonset-readiness.js';
import { lastLogLines } from '../../harness/cluster/proxy-installer.js';
import type { Kubectl } from '../../harness/kube/kubectl.js';

const ds = (status: DaemonSetJson['status'], generation = 1, containers: NonNullable<NonNullable<DaemonSetJson['spec']>['template']>['spec'] = undefined): DaemonSetJson => ({
  metadata: { name: 'proxy', namespace: 'net', generation },
  spec: { template: { spec: containers } },
  status,
});
const pod = (name: string, node: string, status: PodJson['status']): PodJson => ({
  metadata: { name, namespace: 'net', ownerReferences: [{ kind: 'DaemonSet', name: 'proxy' }] },
  spec: { nodeName: node },
  status,
});
const readyPod = (name: string, node: string, startedAt = '2026-01-01T00:00:00Z') =>
  pod(name, node, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'proxy', ready: true, state: { running: { startedAt } } }] });

test('a DaemonSet is ready when the controller saw it and every targeted node has an updated, ready pod', () => {
  const pods = [readyPod('p-a', 'a'), readyPod('p-b', 'b'), readyPod('p-c', 'c')];
  expect(judgeDaemonSet(ds({ observedGeneration: 1, desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3 }), pods)).toEqual({ state: 'ready', nodes: 3 });
  expect(judgeDaemonSet(ds({ observedGeneration: 1, desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3 }, 2), pods).state).toBe('waiting');
  expect(judgeDaemonSet(ds({ observedGeneration: 1, desiredNumberScheduled: 0 }), [])).toEqual({ state: 'no-nodes' });
  const running = pod('p-c', 'c', { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'proxy', ready: false, state: { running: {} } }] });
  const waiting = judgeDaemonSet(ds({ observedGeneration: 1, desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3 }), [readyPod('p-a', 'a'), readyPod('p-b', 'b'), running]);
  expect(waiting).toMatchObject({ state: 'waiting', reason: '2/3 pods ready', pod: { pod: 'p-c', node: 'c', container: 'proxy', condition: expect.stringMatching(/Running, not ready/) } });
});

test('ready means ready for SETTLE_MS: a proxy that runs a moment before it exits is not called ready', () => {
  const started = Date.parse('2026-01-01T00:00:00Z');
  const fresh = [readyPod('p-a', 'a'), readyPod('p-b', 'b', '2026-01-01T00:00:05Z')];
  const status = { observedGeneration: 1, desiredNumberScheduled: 2, numberReady: 2, updatedNumberScheduled: 2 };
  expect(judgeDaemonSet(ds(status), fresh, started + 5_000 + SETTLE_MS - 1)).toMatchObject({ state: 'waiting', pod: { pod: 'p-b' } });
  expect(judgeDaemonSet(ds(status), fresh, started + 5_000 + SETTLE_MS)).toEqual({ state: 'ready', nodes: 2 });
});

test('a crash loop, an image that cannot be had, a failed pod: failed at once, naming the pod and its node', () => {
  const crashing = pod('p-b', 'b', {
    phase: 'Running',
    containerStatuses: [{ name: 'proxy', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } }],
  });
  expect(judgeDaemonSet(ds({ observedGeneration: 1, desiredNumberScheduled: 2, numberReady: 1 }), [readyPod('p-a', 'a'), crashing])).toEqual({
    state: 'failed',
    reason: 'CrashLoopBackOff (last exit: Error, code 1, 2 restarts)',
    pod: { pod: 'p-b', node: 'b', container: 'proxy', condition: 'CrashLoopBackOff (last exit: Error, code 1, 2 restarts)', restarted: true },
  });
  const init = pod('p-a', 'a', { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'ImagePullBackOff' } } }] });
  expect(judgeDaemonSet(ds({}), [init])).toMatchObject({ state: 'failed', pod: { container: 'init', condition: 'ImagePullBackOff' } });
  const firstPull = pod('p-a', 'a', { phase: 'Pending', containerStatuses: [{ name: 'proxy', state: { waiting: { reason: 'ErrImagePull' } } }] });
  expect(judgeDaemonSet(ds({ observedGeneration: 1, desiredNumberScheduled: 1 }), [firstPull]).state).toBe('waiting');
  expect(judgeDaemonSet(ds({}), [pod('p-a', 'a', { phase: 'Failed' })])).toMatchObject({ state: 'failed', reason: 'phase Failed' });
  const foreign = { ...crashing, metadata: { ...crashing.metadata, ownerReferences: [{ kind: 'DaemonSet', name: 'other' }] } };
  expect(judgeDaemonSet(ds({ observedGeneration: 1, desiredNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1 }), [readyPod('p-a', 'a'), foreign]).state).toBe('ready');
});

test('the ready timeout: start budget, a pull budget when images are not on the nodes, and the probes the manifest declares', () => {
  expect(readyTimeoutMs([ds({})], true)).toBe(START_BUDGET_MS);
  expect(readyTimeoutMs([ds({})], false)).toBe(START_BUDGET_MS + PULL_BUDGET_MS);
  const probed = ds({}, 1, {
    containers: [
      { name: 'a', readinessProbe: { periodSeconds: 2 } },
      { name: 'b', startupProbe: { initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 30 }, readinessProbe: {} },
    ],
  });
  // b: startup 5 + 10 x 30 = 305 s, then readiness 0 + 10 x 1 = 10 s.
  expect(readyTimeoutMs([probed], true)).toBe(START_BUDGET_MS + 315_000);
});

test('without a proxy, readiness waits for host-network pods only; DaemonSets need every targeted pod ready', () => {
  const p = (name: string, hostNetwork?: boolean) => ({ metadata: { name, namespace: 'kube-system' }, spec: { hostNetwork } });
  const pods = [p('kube-apiserver-cp', true), p('kpc-cni-x', true), p('coredns-1'), p('coredns-2', false)];
  expect(podsToAwait(pods, 'installed').awaited).toHaveLength(4);
  const none = podsToAwait(pods, 'none');
  expect(none.awaited.map((x) => x.metadata.name)).toEqual(['kube-apiserver-cp', 'kpc-cni-x']);
  expect(none.skipped.map((x) => x.metadata.name)).toEqual(['coredns-1', 'coredns-2']);
  expect(daemonSetReady(ds({ observedGeneration: 1, desiredNumberScheduled: 3, numberReady: 3 }))).toBe(true);
  expect(daemonSetReady(ds({ observedGeneration: 1, desiredNumberScheduled: 3, numberReady: 2 }))).toBe(false);
  expect(daemonSetReady(ds({ observedGeneration: 1, desiredNumberScheduled: 0, numberReady: 0 }))).toBe(false);
});

const manifest = (config: string | null, args: string[] = []) =>
  parseProxyManifests('/m.yaml', [
    {
      file: '/m.yaml',
      text: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          ...(config === null ? [] : [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'net' }, data: { 'config.conf': config, other: 'x: 1' } }]),
          {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            metadata: { name: 'kube-proxy', namespace: 'net' },
            spec: { template: { spec: { containers: [{ name: 'p', image: 'repo/kube-proxy:v1.33.13', command: ['kube-proxy', ...args] }], volumes: [{ name: 'c', configMap: { name: 'cfg' } }] } } },
          },
        ],
      }),
    },
  ]);

test('the implementation: named by --implementation, else by its DaemonSet and image', () => {
  const m = manifest(null);
  expect(describeImplementation(implementationInputsFromManifests(m))).toMatchObject({ name: 'kube-proxy (repo/kube-proxy:v1.33.13)', nameSource: 'daemonset', daemonSets: ['net/kube-proxy'] });
  expect(describeImplementation(implementationInputsFromManifests(m, 'Acme proxy 2.1'))).toMatchObject({ name: 'Acme proxy 2.1', nameSource: 'option' });
});

test('its mode: /proxyMode answers first, then the mounted KubeProxyConfiguration, then --proxy-mode; never "none"', () => {
  const config = 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n';
  const withConfig = implementationInputsFromManifests(manifest(config, ['--proxy-mode=iptables']));
  expect(describeImplementation(withConfig)).toMatchObject({ mode: 'nftables', modeSource: 'config' });
  expect(describeImplementation({ ...withConfig, modeByNode: { a: 'iptables', b: 'iptables', c: null } })).toMatchObject({ mode: 'iptables', modeSource: 'proxyMode endpoint', modeByNode: { a: 'iptables', b: 'iptables' } });
  expect(describeImplementation({ ...withConfig, modeByNode: { a: 'iptables', b: 'nftables' } }).mode).toBe('iptables,nftables');
  expect(describeImplementation(implementationInputsFromManifests(manifest(null, ['--proxy-mode', 'nftables'])))).toMatchObject({ mode: 'nftables', modeSource: 'flag' });
  const silent = describeImplementation(implementationInputsFromManifests(manifest(null)));
  expect(silent).toMatchObject({ mode: null, modeSource: null });
  expect(reportedProxyMode(silent)).toBe('unknown');
  expect(describeImplementation({ ...implementationInputsFromManifests(manifest(null)), bootedMode: 'iptables' })).toMatchObject({ mode: 'iptables', modeSource: 'kind config' });
  expect(describeImplementation({ ...implementationInputsFromManifests(manifest(null)), bootedMode: 'none' }).mode).toBeNull();
  expect(kubeProxyConfigMode('kind: KubeProxyConfiguration\nmode: ""\n')).toBe('iptables');
  expect(kubeProxyConfigMode('kind: Other\nmode: nftables\n')).toBeUndefined();
  const unmounted = manifest(config).daemonSets[0]!;
  expect(declaredMode({ ...unmounted, object: { spec: { template: { spec: { containers: [] } } } } }, implementationInputsFromManifests(manifest(config)).configMaps)).toBeNull();
});

test('a container that runs past its readiness budget without being ready has failed; the clock is its own start', () => {
  const started = Date.parse('2026-11-30T12:00:00Z');
  const running = (startedAt: string) =>
    ({ metadata: { name: 'p-a', ownerReferences: [{ kind: 'DaemonSet', name: 'proxy' }] }, spec: { nodeName: 'a' }, status: { phase: 'Running', containerStatuses: [{ name: 'proxy', ready: false, state: { running: { startedAt } } }] } }) as PodJson;
  const set = ds({ observedGeneration: 1, desiredNumberScheduled: 1, numberReady: 0, updatedNumberScheduled: 1 });
  expect(judgeDaemonSet(set, [running('2026-11-30T12:00:00Z')], started + RUNNING_READY_BUDGET_MS - 1_000).state).toBe('waiting');
  expect(judgeDaemonSet(set, [running('2026-11-30T12:00:00Z')], started + RUNNING_READY_BUDGET_MS + 1_000)).toMatchObject({ state: 'failed', pod: { pod: 'p-a', node: 'a', condition: expect.stringMatching(/^Running for 121 s, never ready/) } });
});

test("a crashed container's log that kubelet no longer has: the other instance's log is read instead", async () => {
  const calls: string[][] = [];
  const kubectl = {
    async run(args: string[]) {
      calls.push(args);
      const stdout = args.includes('--previous') ? 'unable to retrieve container logs for containerd://e37bb13f' : 'flag provided but not defined: -bogus\n';
      return { stdout, stderr: '', exitCode: 0, signal: null };
    },
  } as unknown as Kubectl;
  const lines = await lastLogLines(kubectl, 'ns', { pod: 'p', node: 'n', condition: 'CrashLoopBackOff', restarted: true, container: 'c' } satisfies PodProblem);
  expect(lines).toBe('flag provided but not defined: -bogus');
  expect(calls.map((c) => c.includes('--previous'))).toEqual([true, false]);
});
