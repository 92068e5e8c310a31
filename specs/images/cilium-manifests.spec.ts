import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { nodeContainers } from '../../harness/cluster/docker.js';
import { API_SERVER_PLACEHOLDERS, neverPulledImages, podNetworkDaemonSets, readProxyManifests } from '../../harness/cluster/proxy-manifest.js';
import { run } from '../../harness/util/exec.js';
import { REPO_ROOT } from '../../harness/util/repo-root.js';
import { expectOneLineRefusal, runCli } from '../support/cli.js';
import { specScratch } from '../support/scratch.js';

/**
 * examples/cilium-kpr, without the 17-minute Cilium build: the chart rendered as
 * `npm run build:cilium` renders it (Helm and the chart from their Go modules), read as certify
 * reads it, and refused in certify's preflight while its images are not in local Docker.
 * Certifying Cilium itself is in `npm run bench` (docs/benchmarks.md says why).
 */
const scratch = specScratch('cilium-manifests');
const rendered = path.join(scratch, 'rendered', 'cilium.yaml');

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  // Cold: the Cilium module's download and Helm's build from its module, a few minutes here.
  test.setTimeout(15 * 60_000);
  mkdirSync(path.dirname(rendered), { recursive: true });
  await run('bash', [path.join(REPO_ROOT, 'images/cilium/render.sh'), rendered]);
});

test('the rendered chart: Cilium as proxy and CNI, on the images build:cilium makes, with the API server left to certify', async () => {
  const { stdout } = await run('bash', [path.join(REPO_ROOT, 'images/cilium/build.sh'), '--print-refs']);
  const refs = stdout.trim().split('\n');
  const m = readProxyManifests(path.dirname(rendered));
  expect(m.daemonSets.map((d) => `${d.namespace}/${d.name}`)).toEqual(['kube-system/cilium']);
  // It mounts the host's CNI config directory: certify boots the cluster without kind's CNI.
  expect(podNetworkDaemonSets(m).map((d) => d.name)).toEqual(['cilium']);
  expect([...m.images].sort()).toEqual([...refs].sort());
  expect([...neverPulledImages(m)].sort(), 'no registry here: every image is loaded, never pulled').toEqual([...refs].sort());
  const config = m.objects.find((o) => o.kind === 'ConfigMap' && o.name === 'cilium-config')!.object.data as Record<string, string>;
  expect(config['kube-proxy-replacement']).toBe('true');
  expect(config['enable-hubble'] ?? 'false').toBe('false');
  for (const workload of m.objects.filter((o) => o.kind === 'DaemonSet' || o.kind === 'Deployment')) {
    expect(JSON.stringify(workload.object), `${workload.kind}/${workload.name} reaches the API server directly`).toContain(`"value":"${API_SERVER_PLACEHOLDERS.host}"`);
  }
  expect(readFileSync(rendered, 'utf8')).not.toMatch(/SYS_RESOURCE/);
});

test('a Cilium image that is not in local Docker: exit 2 naming it, before anything is made', async () => {
  // The real images may be built on this machine: a copy names tags that no one builds.
  const copy = path.join(scratch, 'absent');
  mkdirSync(copy, { recursive: true });
  writeFileSync(path.join(copy, 'cilium.yaml'), readFileSync(rendered, 'utf8').replaceAll(/(kube-proxy-conformance\/cilium(?:-operator)?:v[0-9.]+)/g, '$1-absent'));
  copyFileSync(path.join(REPO_ROOT, 'examples/cilium-kpr/README.md'), path.join(copy, 'README.md'));
  const reportDir = path.join(scratch, 'reports');
  const name = 'kpc-cilium-absent';
  const result = await runCli('certify', ['--proxy-manifest', copy, '--name', name, '--report-dir', reportDir]);
  expectOneLineRefusal(result, /kube-proxy-conformance\/cilium:v[0-9.]+-absent, kube-proxy-conformance\/cilium-operator:v[0-9.]+-absent are not in local Docker.*imagePullPolicy: Never.*: run the build .*README\.md names/);
  expect(existsSync(reportDir), 'no report directory left behind').toBe(false);
  expect(await nodeContainers(name), 'no kind nodes left behind').toEqual([]);
});
