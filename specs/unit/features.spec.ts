import { test, expect } from '@playwright/test';
import { followLatencies, missesToFail } from '../../harness/features/endpoint-churn/latency.js';
import { percentile } from '../../harness/stats/percentile.js';
import { isRefusal } from '../../harness/features/no-endpoints/refusal.js';
import { featureById, featureFamilyAlpha, FEATURES, PROFILES } from '../../harness/features/registry.js';
import { faultScript } from '../../harness/faults/proxy-fault.js';
import { expectedHealth, healthAsExpected, healthCheck, localEndpointsOf } from '../../harness/features/etp-local/health-check.js';
import { sourceIpCheck } from '../../harness/features/etp-local/source-ip.js';
import { endpointsByNode, localPolicyUntestable } from '../../harness/lab/local-endpoints.js';
import { LAST_CHANGE_TRIGGER, lastChangeOf } from '../../harness/lab/service-under-test.js';
import { unreachedCheck } from '../../harness/report/unreached-check.js';
import { connected } from '../../harness/traffic/unreached.js';
import { probesToCatch, UNREACHED_PROBES } from '../../harness/stats/unreached-probes.js';
import { conformanceReport } from '../../harness/report/conformance-report.js';
import type { FeatureReport, Report } from '../../harness/report/report-types.js';
import { conformanceReportProblems } from '../../harness/report/report-validator.js';
import { reproduceCommand } from '../../harness/run/run-summary.js';
import { checkRequestsForRun } from '../../harness/features/check-requests.js';
import { featureNamespace } from '../../harness/features/feature-namespace.js';
import { sizeRun } from '../../harness/stats/sizing.js';
import { UsageError } from '../../harness/util/errors.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';

function record(node: string, pod: string | null, sentAt: number, extra: Partial<RequestRecord> = {}): RequestRecord {
  return { seq: 0, sentAt, node, address: '172.18.0.2', port: 30001, clientPort: 40000, sourceAddress: '172.18.0.1', seenSource: null, status: pod ? 200 : null, pod, podIP: null, backendNode: null, latencyMs: 5, error: pod ? null : 'ECONNREFUSED: refused', ...extra };
}

test.describe('the registry', () => {
  test('ids and slugs are unique; profiles are made of registered features; nodeport is the lab alone', () => {
    expect(new Set(FEATURES.map((f) => f.id)).size).toBe(FEATURES.length);
    expect(new Set(FEATURES.map((f) => f.slug)).size).toBe(FEATURES.length);
    expect(PROFILES.nodeport).toEqual(['NodePort']);
    expect(PROFILES.core.every((id) => FEATURES.find((f) => f.id === id)?.level === 'core')).toBe(true);
    expect(PROFILES.all).toEqual(FEATURES.map((f) => f.id));
  });

  test('each feature is one module: its steps, titled and named uniquely, made afresh for every run', () => {
    for (const feature of FEATURES) {
      const steps = feature.steps();
      expect(steps.length, feature.id).toBeGreaterThan(0);
      expect(new Set(steps.map((s) => s.title)).size, `${feature.id}: step titles`).toBe(steps.length);
      expect(new Set(steps.map((s) => s.name)).size, `${feature.id}: step names`).toBe(steps.length);
      expect(feature.steps()[0], `${feature.id}: a second run gets steps of its own`).not.toBe(steps[0]);
    }
  });

  test('every feature runs in a namespace of its own, beside the lab\'s, but the NodePort lab in the one the user names', () => {
    const namespaces = FEATURES.map((f) => featureNamespace(f, 'kpc-lab'));
    expect(new Set(namespaces).size).toBe(FEATURES.length);
    expect(namespaces.filter((ns) => ns === 'kpc-lab')).toHaveLength(1);
    expect(featureNamespace(featureById('NodePort'), 'kpc-lab')).toBe('kpc-lab');
    expect(featureNamespace(featureById('ClusterIP'), 'kpc-lab')).toBe('kpc-lab-cluster-ip');
  });

  test('the run keeps one family alpha: each statistical feature gets its share', () => {
    expect(featureFamilyAlpha(['NodePort'])).toBe(0.001);
    const statistical = PROFILES.all.filter((id) => FEATURES.find((f) => f.id === id)!.statistical).length;
    expect(featureFamilyAlpha(PROFILES.all)).toBeCloseTo(0.001 / statistical, 15);
  });
});

test.describe("certify's --requests check before anything is made", () => {
  const shape = { nodes: 3, endpoints: 3 };
  test("at each profile's share of the family alpha, for the features that span the run's shape", () => {
    expect(() => checkRequestsForRun(963, PROFILES.nodeport, shape)).toThrow(/below the minimum of 964 per node for 3 nodes and 3 endpoints: pass/);
    expect(() => checkRequestsForRun(964, PROFILES.nodeport, shape)).not.toThrow();
    // The profiles of several features: their minimum and count follow from the registry.
    for (const profile of [PROFILES.core, PROFILES.all]) {
      const { minimum } = sizeRun(shape, { familyAlpha: featureFamilyAlpha(profile) });
      const measuring = profile.filter((id) => featureById(id).statistical).length;
      expect(minimum, 'more measuring features, each at a smaller alpha, need more requests').toBeGreaterThan(964);
      expect(() => checkRequestsForRun(minimum - 1, profile, shape)).toThrow(new RegExp(`minimum of ${minimum} .*the run's ${measuring} measuring features share`));
      expect(() => checkRequestsForRun(minimum, profile, shape)).not.toThrow();
    }
    // A Local policy's sources expect fewer endpoints each: known only on the cluster, sized there.
    expect(() => checkRequestsForRun(100, ['ExternalTrafficPolicyLocal'], shape)).not.toThrow();
  });
  test('a shape no run could measure is the input to change (exit 2), with or without --requests', () => {
    expect(() => checkRequestsForRun(null, PROFILES.nodeport, { nodes: 3, endpoints: 100_000 })).toThrow(UsageError);
    expect(() => checkRequestsForRun(null, PROFILES.nodeport, { nodes: 3, endpoints: 100_000 })).toThrow(/cannot be measured: more than 100000000 requests per node would be needed: pass fewer --replicas/);
  });
});

test.describe('EndpointChurn latencies', () => {
  const joined = { pod: 'new', change: 'added' as const, at: 1_000 };
  const left = { pod: 'old', change: 'removed' as const, at: 2_000 };

  test('first answer from a new endpoint, last answer from a removed one, per node', () => {
    const records = [record('n1', 'old', 900), record('n1', 'new', 1_200), record('n1', 'old', 2_300), record('n1', 'new', 2_400), record('n2', 'new', 1_050)];
    const [n1, n2] = followLatencies(records, [joined, left], ['n1', 'n2'], 30_000, 3);
    expect(n1).toMatchObject({ addedMs: [205], removedMs: [300], neverReached: [], stillSent: [] });
    expect(n2).toMatchObject({ addedMs: [55], removedMs: [0] });
  });

  test('a node that never reaches a new endpoint, or keeps sending to a removed one, beyond the bound', () => {
    const records = [record('n1', 'old', 40_000), record('n1', 'other', 41_000), record('n1', 'other', 42_000)];
    const [n1] = followLatencies(records, [joined, left], ['n1'], 30_000, 3);
    expect(n1!.neverReached).toEqual([{ pod: 'new', at: 1_000, misses: 3, firstMs: null }]);
    expect(n1!.stillSent).toEqual([{ pod: 'old', at: 2_000, lastMs: 38_000 }]);
  });

  test('a join first seen after the bound fails a node only on enough answers from others after the bound', () => {
    // A slow stream: 2 answers from others after the bound, then the new endpoint at 35 s.
    const slow = [record('n1', 'other', 31_500), record('n1', 'other', 33_000), record('n1', 'new', 35_995)];
    const [late] = followLatencies(slow, [joined], ['n1'], 30_000, 3);
    expect(late).toMatchObject({ neverReached: [], undecided: [{ pod: 'new', misses: 2, firstMs: 35_000 }] });
    const [missed] = followLatencies([record('n1', 'other', 31_100), ...slow], [joined], ['n1'], 30_000, 3);
    expect(missed).toMatchObject({ undecided: [], neverReached: [{ pod: 'new', misses: 3, firstMs: 35_000 }] });
    // Answers after the endpoint left are no misses: it was gone.
    const [gone] = followLatencies([record('n1', 'other', 31_100), ...slow], [joined, { pod: 'new', change: 'removed', at: 32_000 }], ['n1'], 30_000, 3);
    expect(gone!.undecided).toMatchObject([{ pod: 'new', misses: 2 }]);
    // A 1 in 5 share missed 31 times in a row: 0.8^31 < 0.001 <= 0.8^30.
    expect(missesToFail(0.001, 5)).toBe(31);
  });

  test('nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([5, 1, 3], 99)).toBe(5);
    expect(percentile([5, 1, 3], 100)).toBe(5);
  });
});

test.describe('NoEndpoints refusals', () => {
  test('refused or unreachable on the first SYN or its retransmission (under 2 s) is a refusal; later, a timeout or an answer is not', () => {
    expect(isRefusal(record('n', null, 0, { error: 'ECONNREFUSED: connect ECONNREFUSED 10.96.0.9:8080', latencyMs: 3 }))).toBe(true);
    expect(isRefusal(record('n', null, 0, { error: 'EHOSTUNREACH: connect EHOSTUNREACH', latencyMs: 12 }))).toBe(true);
    // The node's ICMP rate limit held back the answer to the first SYN; the retransmission got it.
    expect(isRefusal(record('n', null, 0, { error: 'ECONNREFUSED: connect ECONNREFUSED 172.31.0.3:30543', latencyMs: 1_017 }))).toBe(true);
    expect(isRefusal(record('n', null, 0, { error: 'ECONNREFUSED: on the second retransmission', latencyMs: 3_010 }))).toBe(false);
    expect(isRefusal(record('n', null, 0, { error: 'ECONNABORTED: timeout of 3000ms exceeded', latencyMs: 3_000 }))).toBe(false);
    expect(isRefusal(record('n', 'pod-a', 0))).toBe(false);
  });
});

test.describe('faults', () => {
  test('a fault can take one ClusterIP, from one source, instead of every NodePort', () => {
    const endpoints = [{ pod: 'a', ip: '10.244.1.2', node: 'w1' }, { pod: 'b', ip: '10.244.2.2', node: 'w2' }];
    const script = faultScript({ kind: 'exclude-endpoint', excluded: endpoints[0]!, endpoints, matches: [{ kind: 'address', address: '10.96.0.10', port: 8080, from: '10.244.1.2' }] }, 8080);
    expect(script).toContain('ip saddr 10.244.1.2 ip daddr 10.96.0.10 tcp dport 8080 ct mark set');
    expect(script).not.toContain('30000-32767');
    expect(faultScript({ kind: 'drop', matches: [{ kind: 'node-ports' }, { kind: 'address', address: '10.96.0.11', port: 8080 }] }, 8080)).toMatch(/dport 30000-32767 drop\n.*ip daddr 10.96.0.11 tcp dport 8080 drop/);
  });
});

test.describe('the conformance report', () => {
  const feature = (id: string, level: 'core' | 'extended', status: FeatureReport['status'], checkStatus: 'pass' | 'fail' = 'pass'): FeatureReport => ({
    id,
    title: id,
    level,
    status,
    reason: status === 'skip' ? 'needs zone labels' : null,
    checks: status === 'skip' ? [] : [{ id: `${id.toLowerCase()}/x`, feature: id, node: 'n1', endpoint: null, status: checkStatus, message: 'm' }],
    measurements: [],
    figures: [],
    notes: [],
    startedAt: '2026-11-30T10:00:00.000Z',
    finishedAt: '2026-11-30T10:01:00.000Z',
  });
  const report = (features: FeatureReport[]): Report => ({
    verdict: features.some((f) => f.status === 'fail') ? 'fail' : 'pass',
    profile: 'all',
    implementation: { name: 'kube-proxy', version: 'v1.34.4', url: null, source: 's' },
    proxyMode: 'nftables',
    cluster: { name: 'kind', provider: 'kind', kubeconfig: '/k', kubernetesVersion: 'v1.34.4' },
    nodes: [],
    features,
    checks: features.flatMap((f) => f.checks),
    startedAt: '2026-11-30T10:00:00.000Z',
    finishedAt: '2026-11-30T10:05:00.000Z',
    notes: [],
    command: 'npm run certify -- --profile all',
    error: null,
  });

  test('success when everything passed; partial when an extended feature was skipped; failure when a check failed', () => {
    const ok = conformanceReport(report([feature('NodePort', 'core', 'pass'), feature('Hairpin', 'extended', 'pass')]));
    expect(conformanceReportProblems(ok)).toEqual([]);
    expect(ok.profiles[0]).toMatchObject({ core: { result: 'success' }, extended: { result: 'success', supportedFeatures: ['Hairpin'] } });
    const partial = conformanceReport(report([feature('NodePort', 'core', 'pass'), feature('TrafficDistributionPreferClose', 'extended', 'skip')]));
    expect(partial.profiles[0]!.extended).toMatchObject({ result: 'partial', unsupportedFeatures: [{ feature: 'TrafficDistributionPreferClose', reason: 'needs zone labels' }] });
    const failed = conformanceReport(report([feature('NodePort', 'core', 'fail', 'fail')]));
    expect(failed.profiles[0]).toMatchObject({ core: { result: 'failure', failedTests: ['nodeport/x'] }, extended: null });
    expect(failed.reproduce.command).toBe('npm run certify -- --profile all');
  });

  test('the reproduce command quotes what a shell would split', () => {
    expect(reproduceCommand(['--profile', 'all', '--implementation', "my proxy's"])).toBe("npm run certify -- --profile all --implementation 'my proxy'\\''s'");
    expect(reproduceCommand([])).toBe('npm run certify');
  });
});

test('the README documents every feature as the registry describes it', async () => {
  const { readFileSync } = await import('node:fs');
  const { featuresTable } = await import('../../harness/features/features-table.js');
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = /<!-- features:start -->\n([\s\S]*?)\n<!-- features:end -->/.exec(readme)?.[1];
  expect(section, 'README has the features table between its markers (npm run docs:features writes it)').toBe(featuresTable());
});

test.describe('the matrix', () => {
  test('checks line up across clusters by feature, kind and node role; a row fails when any of its checks failed', async () => {
    const { checkKind, matrixRows, nodeRole, renderMatrix } = await import('../../harness/report/matrix.js');
    expect(nodeRole('kpc-matrix-2-worker2', 'kpc-matrix-2')).toBe('worker2');
    expect(checkKind('cluster-ip/reach/kpc-matrix-2-worker/helloworld-abc', 'kpc-matrix-2-worker')).toBe('reach');
    expect(checkKind('balance/pooled', null)).toBe('pooled');
    const report = (cluster: string, failing: boolean) =>
      ({
        cluster: { name: cluster },
        checks: [
          { id: `reach/${cluster}-worker/a`, feature: 'NodePort', node: `${cluster}-worker`, endpoint: 'a', status: failing ? 'fail' : 'pass', message: '' },
          { id: `reach/${cluster}-worker/b`, feature: 'NodePort', node: `${cluster}-worker`, endpoint: 'b', status: 'pass', message: '' },
        ],
      }) as unknown as Report;
    const rows = matrixRows([report('kpc-matrix-1', false), report('kpc-matrix-2', true), null]);
    expect(rows).toEqual([{ feature: 'NodePort', check: 'reach', node: 'worker', cells: ['pass', 'fail (1)', null] }]);
    const html = renderMatrix({ profile: 'nodeport', columns: [], rows, latencies: [], startedAt: 'a', finishedAt: 'b' });
    expect(html).toContain('<td class="fail">fail (1)</td>');
  });
});

test.describe('Local traffic policies', () => {
  const node = (schedulable: boolean) => ({ schedulable });

  test('both are extended features, claimed by the all profile only', () => {
    for (const id of ['ExternalTrafficPolicyLocal', 'InternalTrafficPolicyLocal']) {
      expect(featureById(id).level).toBe('extended');
      expect(Object.entries(PROFILES).filter(([, ids]) => (ids as readonly string[]).includes(id)).map(([name]) => name)).toEqual(['all']);
    }
  });

  test('testable when some node holds an endpoint and some node certainly holds none', () => {
    // kind: a tainted control plane and workers, whatever the replicas.
    expect(localPolicyUntestable([node(false), node(true)], 3)).toBeNull();
    expect(localPolicyUntestable([node(false), node(true), node(true), node(true)], 3)).toBeNull();
    // Every node schedulable: only more nodes than replicas leave one empty for certain.
    expect(localPolicyUntestable([node(true), node(true), node(true), node(true)], 3)).toBeNull();
    expect(localPolicyUntestable([node(true), node(true), node(true)], 3)).toMatch(/every one of the 3 nodes is schedulable .* pass --replicas 2 or fewer/);
    expect(localPolicyUntestable([node(true)], 1)).toMatch(/add a node$/);
    expect(localPolicyUntestable([node(false), node(false)], 3)).toMatch(/no node can run the app/);
  });

  test('endpoints by node, every node listed', () => {
    const endpoints = [{ pod: 'a', ip: '10.244.1.2', node: 'w1' }, { pod: 'b', ip: '10.244.1.3', node: 'w1' }, { pod: 'c', ip: '10.244.2.2', node: 'w2' }];
    const byNode = endpointsByNode(endpoints, ['cp', 'w1', 'w2']);
    expect([...byNode].map(([n, e]) => [n, e.map((x) => x.pod)])).toEqual([['cp', []], ['w1', ['a', 'b']], ['w2', ['c']]]);
  });

  test("the last change is the latest creation, write or trigger time of the Service and its slices, plus the second the API rounds away", () => {
    const service = { metadata: { creationTimestamp: '2026-01-01T10:00:00Z', managedFields: [{ time: '2026-01-01T10:00:05Z' }] } };
    const slices = { items: [{ metadata: { creationTimestamp: '2026-01-01T10:00:01Z', annotations: { [LAST_CHANGE_TRIGGER]: '2026-01-01T10:00:09.250Z' } } }, { metadata: { creationTimestamp: '2026-01-01T10:00:07Z' } }] };
    expect(lastChangeOf(service, slices)).toBe(Date.parse('2026-01-01T10:00:10.250Z'));
    expect(lastChangeOf(service, { items: [] })).toBe(Date.parse('2026-01-01T10:00:06Z'));
    // After a scale-down the controller rewrites the slice without a trigger time: its write counts.
    const rewritten = { metadata: { creationTimestamp: '2026-01-01T10:00:01Z', managedFields: [{ time: '2026-01-01T11:02:00Z' }] } };
    expect(lastChangeOf(service, { items: [rewritten] })).toBe(Date.parse('2026-01-01T11:02:01Z'));
    expect(() => lastChangeOf({}, { items: [] })).toThrow(/no creation time/);
  });

  test('17 probes catch a node forwarding a quarter of them with power 0.99; a connection counts once its handshake completes', () => {
    expect(probesToCatch(0.25, 0.99)).toBe(17);
    expect(UNREACHED_PROBES).toBe(17);
    expect(Math.pow(0.75, UNREACHED_PROBES)).toBeLessThan(0.01);
    expect(Math.pow(0.75, UNREACHED_PROBES - 1)).toBeGreaterThan(0.01);
    expect(connected(record('n', null, 0, { clientPort: null, error: 'ECONNABORTED: timeout of 3000ms exceeded' }))).toBe(false);
    expect(connected(record('n', null, 0, { clientPort: 40000, error: 'ECONNRESET: socket hang up' }))).toBe(true);
  });

  test('unreached: a drop or a refusal passes, any connection fails and names who answered', () => {
    const dropped = record('n', null, 0, { clientPort: null, error: 'ECONNABORTED: timeout of 3000ms exceeded', latencyMs: 3_000 });
    const refused = record('n', null, 0, { clientPort: null, error: 'ECONNREFUSED: connect ECONNREFUSED' });
    const base = { id: 'x/no-local-endpoint/n', node: 'n', label: 'node n', span: '(over 3 s)', rule: 'must not forward' };
    const pass = unreachedCheck({ ...base, records: [dropped, dropped, refused] });
    expect(pass).toMatchObject({ status: 'pass', message: 'node n: none of 3 connections reached a pod (2 timed out (dropped), 1 refused) (over 3 s)' });
    const fail = unreachedCheck({ ...base, records: [dropped, record('n', 'pod-b', 0), record('n', 'pod-b', 0)] });
    expect(fail.status).toBe('fail');
    expect(fail.message).toBe('node n: 2 of 3 connections reached something (2 answered by pod-b) (over 3 s): must not forward');
    expect(unreachedCheck({ ...base, records: [] }).status).toBe('skip');
  });
});

test.describe('ExternalTrafficPolicyLocal', () => {
  const reply = (status: number, count: unknown) => record('n', null, 0, { status, error: null, reply: { service: { namespace: 'ns', name: 's' }, localEndpoints: count, serviceProxyHealthy: true } });

  test('the health check must say 200 and the count where the node holds endpoints, 503 and 0 where it holds none', () => {
    expect(expectedHealth(2)).toEqual({ status: 200, localEndpoints: 2 });
    expect(expectedHealth(0)).toEqual({ status: 503, localEndpoints: 0 });
    expect(healthAsExpected(reply(200, 2), 2)).toBe(true);
    expect(healthAsExpected(reply(200, 1), 2)).toBe(false);
    expect(healthAsExpected(reply(200, 0), 0)).toBe(false);
    expect(healthAsExpected(reply(503, 0), 0)).toBe(true);
    expect(localEndpointsOf({ localEndpoints: '2' })).toBeNull();
    expect(localEndpointsOf('not json')).toBeNull();
    const failed = healthCheck('etp-local/health-check/n', 'node n', { node: 'n', afterMs: null, last: reply(200, 1) }, 0);
    expect(failed).toMatchObject({ status: 'fail', message: 'node n: expected HTTP 503 with localEndpoints 0 (the node holds no endpoint) within 30 s; last: HTTP 200 with localEndpoints 1' });
    expect(healthCheck('i', 'node n', { node: 'n', afterMs: 1_200, last: reply(200, 2) }, 2)).toMatchObject({ status: 'pass', message: 'node n: HTTP 200 with localEndpoints 2, as the node holds 2 endpoints (answered so after 1.2 s)' });
  });

  test("the source check passes only when every answer saw the client's own address", () => {
    const seen = (address: string) => record('n', 'pod-a', 0, { sourceAddress: '172.18.0.1', seenSource: address });
    expect(sourceIpCheck('i', 'n', 'node n', [seen('172.18.0.1'), seen('::ffff:172.18.0.1')])).toMatchObject({ status: 'pass', message: "node n: all 2 answers saw the client's own address (172.18.0.1)" });
    const masqueraded = sourceIpCheck('i', 'n', 'node n', [seen('172.18.0.1'), seen('10.244.3.1'), seen('10.244.3.1')]);
    expect(masqueraded.status).toBe('fail');
    expect(masqueraded.message).toMatch(/^node n: 2 of 3 answers saw another source than the client's own address \(10\.244\.3\.1 instead of 172\.18\.0\.1: 2\)/);
    expect(sourceIpCheck('i', 'n', 'node n', [record('n', 'pod-a', 0)]).status).toBe('skip');
    expect(sourceIpCheck('i', 'n', 'node n', [record('other', 'pod-a', 0, { seenSource: '1.2.3.4' })]).status).toBe('skip');
  });
});
