import { test, expect } from '../support/fixtures.js';
import { Kubectl } from '../../harness/kube/kubectl.js';
import { ZONE_LABEL } from '../../harness/cluster/kind-config.js';
import { planZonesOf } from '../../harness/cluster/zone-labels.js';
import { JqRunner } from '../../harness/queries/jq-runner.js';
import { waitFor, notYet } from '../../harness/util/wait.js';

/** Issue 2's acceptance on the real cluster: nodes, system pods, the proxy mode, the pod network. */
test.describe('the cluster the harness booted', () => {
  test('every node is Ready', async ({ kubectl, run }) => {
    const nodes = await kubectl.json<{ items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[] }>(['get', 'nodes']);
    const expected = run.cluster.kind === 'kind' ? 1 + (run.cluster.workers ?? 2) : nodes.items.length;
    expect(nodes.items).toHaveLength(expected);
    for (const node of nodes.items) {
      expect(node.status.conditions.find((c) => c.type === 'Ready')?.status, node.metadata.name).toBe('True');
    }
  });

  test("reads through the worker's API proxy are what a kubectl process prints", async ({ kubectl }) => {
    const process = new Kubectl(kubectl.binary, kubectl.kubeconfig);
    const reads: [string[], { namespace?: string }][] = [
      [['get', 'nodes'], {}],
      [['get', 'service', 'kubernetes'], { namespace: 'default' }],
      [['get', 'pods', '-l', 'k8s-app=kube-proxy'], { namespace: 'kube-system' }],
      [['get', 'daemonset', 'kube-proxy', '--show-managed-fields'], { namespace: 'kube-system' }],
      [['get', 'endpointslices', '-l', 'kubernetes.io/service-name=kubernetes'], { namespace: 'default' }],
    ];
    // Node and pod status move on between two reads; names, kinds and field sets must not.
    const shape = (o: unknown): unknown => {
      const { items, ...rest } = o as { items?: { kind: string; apiVersion: string; metadata: Record<string, unknown> }[] };
      const one = (x: { kind?: string; apiVersion?: string; metadata: Record<string, unknown> }) => ({ kind: x.kind, apiVersion: x.apiVersion, name: x.metadata.name, metadataFields: Object.keys(x.metadata).sort() });
      return items ? items.map(one).sort((a, b) => String(a.name).localeCompare(String(b.name))) : one(rest as { metadata: Record<string, unknown> });
    };
    for (const [args, options] of reads) {
      expect(shape(await kubectl.json(args, options)), args.join(' ')).toEqual(shape(await process.json(args, options)));
    }
    await expect(kubectl.json(['get', 'service', 'no-such-service'], { namespace: 'default' })).rejects.toThrow(/NotFound.*no-such-service/);
  });

  test('every kube-system pod is Running', async ({ kubectl }) => {
    const pods = await kubectl.json<{ items: { metadata: { name: string }; status: { phase: string } }[] }>(['get', 'pods', '--namespace', 'kube-system']);
    expect(pods.items.length).toBeGreaterThan(0);
    for (const pod of pods.items) expect(pod.status.phase, pod.metadata.name).toBe('Running');
  });

  test('kube-proxy on every node runs the requested mode (read from its logs and its config)', async ({ kubectl, run }) => {
    test.skip(run.cluster.kind !== 'kind', 'the mode is only known for clusters the harness booted');
    const mode = (run.cluster as { proxyMode: string }).proxyMode;
    const configMap = await kubectl.json(['get', 'configmap', 'kube-proxy', '--namespace', 'kube-system']);
    expect((await JqRunner.load()).proxyMode(configMap).mode).toBe(mode);
    const pods = await kubectl.json<{ items: { metadata: { name: string }; spec: { nodeName: string } }[] }>(['get', 'pods', '--namespace', 'kube-system', '-l', 'k8s-app=kube-proxy']);
    const nodes = await kubectl.json<{ items: unknown[] }>(['get', 'nodes']);
    expect(pods.items).toHaveLength(nodes.items.length);
    for (const pod of pods.items) {
      const logs = await kubectl.text(['logs', '--namespace', 'kube-system', pod.metadata.name]);
      expect(logs, `kube-proxy on ${pod.spec.nodeName}`).toMatch(new RegExp(`Using ${mode} Proxier`, 'i'));
    }
  });

  test('its nodes are in two zones, labelled once every kube-proxy had started (docs/findings.md)', async ({ kubectl, run }) => {
    test.skip(run.cluster.kind !== 'kind', 'only clusters the harness booted get its zones');
    type Nodes = { items: { metadata: { name: string; labels: Record<string, string>; managedFields?: { manager: string; time?: string; fieldsV1?: { 'f:metadata'?: { 'f:labels'?: Record<string, unknown> } } }[] } }[] };
    const nodes = await kubectl.json<Nodes>(['get', 'nodes', '--show-managed-fields']);
    const plan = planZonesOf(nodes.items);
    const pods = await kubectl.json<{ items: { spec: { nodeName: string }; status: { containerStatuses?: { state?: { running?: { startedAt: string } } }[] } }[] }>(['get', 'pods', '--namespace', 'kube-system', '-l', 'k8s-app=kube-proxy']);
    const started = pods.items.map((p) => Date.parse(p.status.containerStatuses?.[0]?.state?.running?.startedAt ?? ''));
    expect(started.every(Number.isFinite), 'every kube-proxy runs').toBe(true);
    for (const node of nodes.items) {
      expect(node.metadata.labels[ZONE_LABEL], node.metadata.name).toBe(plan.get(node.metadata.name));
      const setBy = (node.metadata.managedFields ?? []).find((f) => f.fieldsV1?.['f:metadata']?.['f:labels']?.[`f:${ZONE_LABEL}`] !== undefined);
      expect(setBy?.manager, `who set the zone of ${node.metadata.name}: not the kubelet at registration`).toBe('kubectl-label');
      expect(Date.parse(setBy!.time!), `the zone of ${node.metadata.name} was set after every kube-proxy started`).toBeGreaterThanOrEqual(Math.max(...started));
    }
  });

  test('a pod on each worker reaches pods on every other node by pod IP', async ({ kubectl, state }) => {
    const namespace = 'kpc-podnet';
    await kubectl.run(['create', 'namespace', namespace], { check: false });
    try {
      await kubectl.run(['apply', '--namespace', namespace, '-f', '-'], { input: podNetworkDaemonSet(state.appImage) });
      const nodeCount = (await kubectl.json<{ items: unknown[] }>(['get', 'nodes'])).items.length;
      type Pods = { items: { metadata: { name: string }; spec: { nodeName: string }; status: { podIP?: string; conditions?: { type: string; status: string }[] } }[] };
      const pods = await waitFor(
        async () => {
          const list = await kubectl.json<Pods>(['get', 'pods', '--namespace', namespace, '-l', 'app=podnet']);
          const ready = list.items.filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
          return ready.length === nodeCount ? ready : notYet(`${ready.length} of ${nodeCount} podnet pods ready`);
        },
        { what: 'a ready podnet pod on every node', timeoutMs: 120_000 },
      );
      const workers = pods.filter((p) => !p.spec.nodeName.endsWith('control-plane'));
      expect(workers.length).toBeGreaterThanOrEqual(2);
      for (const from of workers) {
        for (const to of pods.filter((p) => p.spec.nodeName !== from.spec.nodeName)) {
          const { stdout } = await kubectl.run(['exec', '--namespace', namespace, from.metadata.name, '--', 'node', '-e', HEALTH_GET, to.status.podIP!]);
          expect(stdout.trim(), `${from.spec.nodeName} -> ${to.spec.nodeName} (${to.status.podIP})`).toBe('200');
        }
      }
    } finally {
      await kubectl.run(['delete', 'namespace', namespace, '--wait=false'], { check: false });
    }
  });
});

const HEALTH_GET = `require('http').get({ host: process.argv[1], port: 8080, path: '/healthz', timeout: 5000 }, (r) => { console.log(r.statusCode); r.resume(); })
  .on('error', (e) => console.log(e.message)).on('timeout', function () { this.destroy(new Error('timeout')); });`;

function podNetworkDaemonSet(image: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'podnet' },
    spec: {
      selector: { matchLabels: { app: 'podnet' } },
      template: {
        metadata: { labels: { app: 'podnet' } },
        spec: {
          tolerations: [{ operator: 'Exists' }],
          containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/healthz', port: 8080 } } }],
        },
      },
    },
  });
}
