import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { API_SERVER_PLACEHOLDERS, bindApiServer, neverPulledImages, parseProxyManifests, podNetworkDaemonSets, readProxyManifests } from '../../harness/cluster/proxy-manifest.js';
import { UsageError } from '../../harness/util/errors.js';
import { REPO_ROOT } from '../../harness/util/repo-root.js';
import { run } from '../../harness/util/exec.js';
import { specScratch } from '../support/scratch.js';

const dir = specScratch('unit-manifest');
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};

const daemonSet = (name: string, image: string, namespace?: string) => `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      initContainers: [{name: init, image: ${image}}]
      containers: [{name: proxy, image: ${image}}, {name: sidecar, image: busybox:1}]
`;

/** The one line a UsageError prints, as the CLI would. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('expected a UsageError');
}

test('a file with a Namespace and a DaemonSet: the DaemonSet, its images, Namespaces applied first', () => {
  const file = write('one.yaml', `${daemonSet('proxy', 'repo/proxy:1', 'net')}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: net}\n---\n`);
  const m = readProxyManifests(file);
  expect(m.files).toEqual([file]);
  expect(m.objects.map((o) => o.kind)).toEqual(['Namespace', 'DaemonSet']);
  expect(m.daemonSets).toHaveLength(1);
  expect(m.daemonSets[0]).toMatchObject({ namespace: 'net', name: 'proxy', images: ['repo/proxy:1', 'busybox:1'] });
  expect(m.images).toEqual(['repo/proxy:1', 'busybox:1']);
});

test('a directory: its .yaml/.yml/.json files in name order, not its subdirectories; a DaemonSet without namespace is in default', () => {
  const d = path.join(dir, 'dir');
  write('dir/20-ds.yml', daemonSet('b', 'img:b'));
  write('dir/10-ds.json', JSON.stringify({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'a', namespace: 'x' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'img:a' }] } } } }));
  write('dir/README.md', '# not read');
  write('dir/nested/ignored.yaml', 'this: is not read');
  const m = readProxyManifests(d);
  expect(m.files.map((f) => path.basename(f))).toEqual(['10-ds.json', '20-ds.yml']);
  expect(m.daemonSets.map((x) => `${x.namespace}/${x.name}`)).toEqual(['x/a', 'default/b']);
});

test('a List (kubectl get -o yaml) is read item by item', () => {
  const m = parseProxyManifests('/l.yaml', [{ file: '/l.yaml', text: `apiVersion: v1\nkind: List\nitems:\n- ${JSON.stringify({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'p' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } })}\n` }]);
  expect(m.daemonSets.map((d) => d.name)).toEqual(['p']);
});

test('refusals: one line naming the file and the fix', () => {
  expect(refusal(() => readProxyManifests(path.join(dir, 'missing.yaml')))).toMatch(/proxy manifest .*missing\.yaml does not exist: pass --proxy-manifest/);
  expect(refusal(() => readProxyManifests(write('pkg.json', '{"name": "x", "version": "1.0.0"}')))).toMatch(/pkg\.json, document 1, is not a Kubernetes manifest \(no apiVersion and kind\): pass only Kubernetes manifests/);
  expect(refusal(() => readProxyManifests(write('text.yaml', 'just some words\n')))).toMatch(/text\.yaml, document 1, is not a Kubernetes manifest/);
  expect(refusal(() => readProxyManifests(write('bad.yaml', 'kind: [\n')))).toMatch(/bad\.yaml is not valid YAML \(line \d+: .*\): fix the YAML/);
  expect(refusal(() => readProxyManifests(write('nods.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n')))).toMatch(/nods\.yaml contains no DaemonSet \(found ConfigMap\/c\): add the DaemonSet/);
  expect(refusal(() => readProxyManifests(write('empty.yaml', '---\n# nothing\n')))).toMatch(/empty\.yaml holds no Kubernetes objects/);
  expect(refusal(() => readProxyManifests(write('noname.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n')))).toMatch(/has no metadata\.name/);
  expect(refusal(() => readProxyManifests(write('old.yaml', daemonSet('p', 'i').replace('apps/v1', 'extensions/v1beta1'))))).toMatch(/apiVersion extensions\/v1beta1: use apiVersion apps\/v1/);
  expect(refusal(() => readProxyManifests(write('twice.yaml', `${daemonSet('p', 'i')}---${daemonSet('p', 'j')}`)))).toMatch(/DaemonSet default\/p is defined twice/);
  mkdirSync(path.join(dir, 'variants/a'), { recursive: true });
  mkdirSync(path.join(dir, 'variants/b'), { recursive: true });
  expect(refusal(() => readProxyManifests(path.join(dir, 'variants')))).toMatch(/holds no \.yaml, \.yml or \.json files \(only the directories a\/, b\/\): pass one of those directories/);
  // A directory whose manifests are built, before the build: its README says how.
  write('built/README.md', '# run the build first');
  write('built/helm/values.yaml', 'a: 1\n');
  expect(refusal(() => readProxyManifests(path.join(dir, 'built')))).toMatch(/built holds no \.yaml.*\(only the directories helm\/\): run what .*built\/README\.md says to make them/);
});

const cniProxy = `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  template:
    spec:
      volumes: [{name: cni, hostPath: {path: /etc/cni/net.d/, type: DirectoryOrCreate}}, {name: run, hostPath: {path: /run}}]
      containers:
      - name: agent
        image: own/agent:1
        imagePullPolicy: Never
        env: [{name: KUBERNETES_SERVICE_HOST, value: "${API_SERVER_PLACEHOLDERS.host}"}, {name: KUBERNETES_SERVICE_PORT, value: "${API_SERVER_PLACEHOLDERS.port}"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: operator, namespace: kube-system}
spec:
  template:
    spec:
      containers: [{name: operator, image: own/operator:1, imagePullPolicy: Never, args: ["--api=https://${API_SERVER_PLACEHOLDERS.host}:${API_SERVER_PLACEHOLDERS.port}"]}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: pulled, namespace: kube-system}
spec:
  template:
    spec:
      volumes: [{name: cni, hostPath: {path: /etc/cni/net.d.bak}}]
      containers: [{name: a, image: own/agent:1}, {name: b, image: public/b:2}]
`;

test('a proxy that is the CNI: the DaemonSet that mounts /etc/cni/net.d, every workload image, those never pulled', () => {
  const m = parseProxyManifests('/cni.yaml', [{ file: '/cni.yaml', text: cniProxy }]);
  expect(podNetworkDaemonSets(m).map((d) => d.name)).toEqual(['agent']);
  expect(podNetworkDaemonSets(parseProxyManifests('/ds.yaml', [{ file: '/ds.yaml', text: daemonSet('p', 'i') }]))).toEqual([]);
  // The operator's image too: the nodes need it as much as the DaemonSets'.
  expect(m.images).toEqual(['own/agent:1', 'own/operator:1', 'public/b:2']);
  // own/agent:1 is pulled by one container that does not say Never: it may come from a registry.
  expect(neverPulledImages(m)).toEqual(['own/operator:1']);
});

test('the API server placeholders are replaced in every string of every object, and nothing else changes', () => {
  const m = parseProxyManifests('/cni.yaml', [{ file: '/cni.yaml', text: cniProxy }]);
  const bound = bindApiServer(m, { host: 'kpc-x-control-plane', port: 6443 });
  const agent = bound.daemonSets.find((d) => d.name === 'agent')!;
  expect(JSON.stringify(agent.object)).toContain('{"name":"KUBERNETES_SERVICE_HOST","value":"kpc-x-control-plane"},{"name":"KUBERNETES_SERVICE_PORT","value":"6443"}');
  expect(JSON.stringify(bound.objects.map((o) => o.object))).toContain('--api=https://kpc-x-control-plane:6443');
  expect(JSON.stringify(bound.objects.map((o) => o.object))).not.toContain('KPC_API_SERVER');
  // The manifests read are left as they were.
  expect(JSON.stringify(m.objects.map((o) => o.object))).toContain(API_SERVER_PLACEHOLDERS.host);
  expect(bound.objects.map((o) => `${o.kind}/${o.name}`)).toEqual(m.objects.map((o) => `${o.kind}/${o.name}`));
});

test('the kube-proxy v1.33 example: one DaemonSet, the image build-example-proxies.sh builds, two variants that differ only in the mode', async () => {
  const { stdout } = await run('bash', [path.join(REPO_ROOT, 'images/build-example-proxies.sh'), '--print-ref']);
  const image = stdout.trim();
  const variants = ['nftables', 'iptables'].map((mode) => {
    const m = readProxyManifests(path.join(REPO_ROOT, 'examples/kube-proxy-v1.33', mode));
    expect(m.daemonSets.map((d) => `${d.namespace}/${d.name}`)).toEqual(['kube-proxy-v1-33/kube-proxy']);
    expect(m.images).toEqual([image]);
    expect(m.objects.map((o) => o.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'DaemonSet']);
    return readFileSync(m.files[0]!, 'utf8').split('\n');
  });
  const differing = variants[0]!.flatMap((line, i) => (line === variants[1]![i] ? [] : [[line, variants[1]![i]]]));
  expect(differing).toEqual([
    ['# The iptables variant (../iptables/kube-proxy.yaml) differs only in the `mode:` line.', '# The nftables variant (../nftables/kube-proxy.yaml) differs only in the `mode:` line.'],
    ['    mode: nftables', '    mode: iptables'],
  ]);
});

test('the broken example: two DaemonSets of the same image, the control plane one restricting NodePorts to an address no node has', () => {
  const m = readProxyManifests(path.join(REPO_ROOT, 'examples/broken-kube-proxy-v1.33'));
  expect(m.daemonSets.map((d) => d.name)).toEqual(['kube-proxy-workers', 'kube-proxy-control-plane']);
  const configs = m.objects.filter((o) => o.kind === 'ConfigMap');
  const text = (name: string) => String((configs.find((c) => c.name === name)!.object.data as Record<string, string>)['config.conf']);
  expect(text('kube-proxy-control-plane')).toMatch(/nodePortAddresses: \[192\.0\.2\.0\/24\]/);
  expect(text('kube-proxy-workers')).not.toMatch(/nodePortAddresses/);
});
