import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { e2eArgs, e2eFiles, repoListYaml } from '../../harness/upstream/e2e-runner.js';
import { E2E_SUITE_DESCRIPTION, focusRegex, UPSTREAM_FOCUS, UPSTREAM_NOT_RUN } from '../../harness/upstream/focus-list.js';
import { readGinkgoReport } from '../../harness/upstream/ginkgo-report.js';
import { targetedNodes } from '../../harness/upstream/targeted-nodes.js';
import { parseBuildReference } from '../../harness/upstream/upstream-build.js';
import { countResults, testResults } from '../../harness/upstream/upstream-summary.js';
import { scratchDir } from '../support/scratch.js';

const nodes = [
  { name: 'kpc-control-plane', address: '172.18.0.2', addressType: 'InternalIP' as const },
  { name: 'kpc-worker', address: '172.18.0.3', addressType: 'InternalIP' as const },
  { name: 'kpc-worker2', address: '172.18.0.4', addressType: 'InternalIP' as const },
];

test('the focus regex matches each focus name exactly, as Ginkgo matches (suite description first), and nothing longer', () => {
  const re = new RegExp(focusRegex(UPSTREAM_FOCUS));
  const asGinkgo = (name: string) => `${E2E_SUITE_DESCRIPTION} ${name}`;
  for (const t of UPSTREAM_FOCUS) expect(re.test(asGinkgo(t.name)), t.name).toBe(true);
  expect(re.test(UPSTREAM_FOCUS[0]!.name), 'without the suite description Ginkgo would not match either').toBe(false);
  expect(re.test(asGinkgo(`${UPSTREAM_FOCUS[0]!.name} and more`))).toBe(false);
  expect(re.test(asGinkgo('[sig-network] Services should be rejected for evicted pods (no endpoints exist)'))).toBe(false);
  expect(re.test(asGinkgo('[sig-network] Services should have session affinity timeout work for NodePort service [LinuxOnly]'))).toBe(false);
  for (const t of UPSTREAM_NOT_RUN) expect(re.test(asGinkgo(t.name)), t.name).toBe(false);
});

test('the focus list covers what the issue asks for', () => {
  const names = UPSTREAM_FOCUS.map((t) => t.name).join('\n');
  for (const needle of ['functioning NodePort service [Conformance]', 'session affinity work for service with type clusterIP', 'session affinity work for NodePort service', 'externalTrafficPolicy=Local for type=NodePort', 'health check node port', 'rejected when no endpoints exist', 'update service type to NodePort', 'hairpin', 'internalTrafficPolicy=Local']) {
    expect(names).toContain(needle);
  }
});

test('e2e.test gets the minimal flags: cluster, provider, kubectl, images, focus, reports', () => {
  const files = e2eFiles('/r', '/r/upstream');
  const args = e2eArgs({ kubeconfig: '/k', kubectl: '/bin/kubectl', tests: UPSTREAM_FOCUS.slice(0, 1), reportDir: '/r' }, files);
  expect(args).toContain('--kubeconfig=/k');
  expect(args).toContain('--provider=skeleton');
  expect(args).toContain('--kubectl-path=/bin/kubectl');
  expect(args).toContain('--kube-test-repo-list=/r/upstream/kube-test-repo-list.yaml');
  expect(args).toContain('--report-dir=/r');
  expect(args.find((a) => a.startsWith('--ginkgo.focus='))).toBe(`--ginkgo.focus=${focusRegex(UPSTREAM_FOCUS.slice(0, 1))}`);
  expect(repoListYaml('kube-proxy-conformance/e2e-test-images').trim()).toBe('promoterE2eRegistry: kube-proxy-conformance/e2e-test-images');
});

test("build.sh's last line is the reference", () => {
  const ref = parseBuildReference('noise\n{"e2eTest":"/c/e2e.test","registry":"r","images":["r/agnhost:2.56"]}\n');
  expect(ref).toEqual({ e2eTest: '/c/e2e.test', registry: 'r', images: ['r/agnhost:2.56'] });
  expect(() => parseBuildReference('{"e2eTest":1}')).toThrow(/unexpected reference/);
});

test('targeted nodes are the node addresses in the commands a test ran in pods', () => {
  const output = [
    "I1130 Running '/k --namespace=services-1 exec execpod -- /bin/sh -x -c echo hostName | nc -v -t -w 2 172.18.0.3 31234'",
    'I1130 endpoint is on node kpc-worker2 (172.18.0.4)',
    "I1130 Running '/k exec execpod -- /bin/sh -x -c echo hostName | nc -v -t -w 2 10.96.0.17 80'",
    "I1130 Running '/k exec hostexec -- /bin/sh -x -c curl -g -q -s --connect-timeout 3 http://172.18.0.30:30000/clientip'",
  ].join('\n');
  expect(targetedNodes(output, nodes)).toEqual(['kpc-worker']);
});

test("Ginkgo's JSON report: only the focus specs, with state, time and message", () => {
  const dir = scratchDir('ginkgo');
  const file = path.join(dir, 'report.json');
  const [a, b, c] = UPSTREAM_FOCUS;
  const spec = (name: string, extra: object) => ({ ContainerHierarchyTexts: [name.split(' should ')[0]], LeafNodeType: 'It', LeafNodeText: `should ${name.split(' should ').slice(1).join(' should ')}`, ...extra });
  writeFileSync(
    file,
    JSON.stringify([
      {
        SuiteSucceeded: false,
        RunTime: 61_500_000_000,
        SpecReports: [
          { LeafNodeType: 'SynchronizedBeforeSuite', State: 'passed', RunTime: 1e9 },
          spec(a!.name, { State: 'passed', RunTime: 12_340_000_000, StartTime: '2026-11-30T10:00:00Z', CapturedGinkgoWriterOutput: "Running 'k exec p -- nc -v -t -w 2 172.18.0.4 30001'" }),
          spec(b!.name, { State: 'failed', RunTime: 30e9, Failure: { Message: 'service is not reachable\nmore' } }),
          spec(c!.name, { State: 'skipped', RunTime: 0 }),
          spec('[sig-storage] Something should not be here', { State: 'skipped' }),
        ],
      },
    ]),
  );
  const run = readGinkgoReport(file, new Set(UPSTREAM_FOCUS.map((t) => t.name)));
  expect(run.runSeconds).toBe(61.5);
  expect(run.specs.map((s) => [s.name, s.state, s.durationSeconds])).toEqual([
    [a!.name, 'passed', 12.3],
    [b!.name, 'failed', 30],
    [c!.name, 'skipped', 0],
  ]);
  const results = testResults(UPSTREAM_FOCUS.slice(0, 4), UPSTREAM_NOT_RUN, run.specs, nodes);
  expect(results.slice(0, 4).map((r) => r.result)).toEqual(['passed', 'failed', 'not-run', 'not-run']);
  expect(results[0]!.nodesTargeted).toEqual(['kpc-worker2']);
  expect(results[1]!.message).toMatch(/^service is not reachable/);
  expect(countResults(results)).toEqual({ passed: 1, failed: 1, skipped: 0, 'not-run': 2 + UPSTREAM_NOT_RUN.length });
});

test('every upstream test names features of the registry; the README carries the side-by-side table as they make it', async () => {
  const { readFileSync } = await import('node:fs');
  const { FEATURES } = await import('../../harness/features/registry.js');
  const { UPSTREAM_FOCUS } = await import('../../harness/upstream/focus-list.js');
  const { sideBySideTable } = await import('../../harness/upstream/side-by-side-table.js');
  const ids = FEATURES.map((f) => f.id);
  expect(UPSTREAM_FOCUS.flatMap((t) => t.features).filter((id) => !ids.includes(id))).toEqual([]);
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = /<!-- side-by-side:start -->\n([\s\S]*?)\n<!-- side-by-side:end -->/.exec(readme)?.[1];
  expect(section, 'README has the side-by-side table between its markers (npm run docs:features writes it)').toBe(sideBySideTable());
});
