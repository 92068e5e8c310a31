import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import type { NodeAddress } from '../../harness/queries/types.js';
import { buildChecks } from '../../harness/report/build-checks.js';
import { escapeXml } from '../../harness/report/escape.js';
import { renderHeatmap } from '../../harness/report/heatmap.js';
import { renderJunit } from '../../harness/report/junit.js';
import { renderNdjson } from '../../harness/report/ndjson.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';
import { ReportSchemaError } from '../../harness/report/report-schema-error.js';
import { scratchDir } from '../support/scratch.js';
import type { Report } from '../../harness/report/report-types.js';
import { measurementOf } from '../../harness/report/report-reader.js';
import { conformanceReportProblems, reportProblems } from '../../harness/report/report-validator.js';
import type { ConformanceReport } from '../../harness/report/conformance-report.js';
import { parse } from 'yaml';
import type { TrafficMatrix } from '../../harness/traffic/traffic-matrix.js';
import { decideVerdict } from '../../harness/report/verdict.js';
import { writeReportFiles, writeReportJson } from '../../harness/report/write-report.js';
import { evaluateBalance } from '../../harness/stats/balance.js';
import { balanceInputsFor } from '../../harness/stats/balance-inputs.js';
import { ENDPOINTS, failingReport, NODES, passingReport, records, reportFrom } from '../support/report-fixtures.js';

const sources = (nodes: NodeAddress[]) => nodes.map((n) => ({ node: n.name, label: `node ${n.name} (${n.address}:30080)` }));

/** The checks for some nodes' counts, with every planned request sent and answered unless `tallies` says otherwise. */
function checksFor(nodes: NodeAddress[], matrix: TrafficMatrix, policy: 'Cluster' | 'Local' = 'Cluster', unreachable: { name: string; reason: string }[] = []) {
  const balance = evaluateBalance(balanceInputsFor(nodes, ENDPOINTS, matrix, policy));
  const tallies = Object.fromEntries(nodes.map((n) => {
    const answered = Object.values(matrix[n.name] ?? {}).reduce((a, b) => a + b, 0);
    return [n.name, { planned: answered, sent: answered, answered, failed: 0 }];
  }));
  return buildChecks({ sources: sources(nodes), unreachable, endpoints: ENDPOINTS, matrix, tallies, balance, giveUpAfter: 10 });
}


test.describe('schema', () => {
  test('a passing report validates', () => {
    const report = passingReport();
    expect(report.verdict).toBe('pass');
    expect(reportProblems(report)).toEqual([]);
  });

  test('a failing report validates, and survives a JSON round trip', () => {
    const report = failingReport();
    expect(report.verdict).toBe('fail');
    expect(reportProblems(JSON.parse(JSON.stringify(report)))).toEqual([]);
  });

  test('an error report with no balance validates', () => {
    const report: Report = { ...passingReport(), verdict: 'error', error: 'cluster never came up', features: [], checks: [], nodes: [] };
    expect(reportProblems(report)).toEqual([]);
  });

  test('a report missing verdict fails validation', () => {
    const { verdict: _verdict, ...rest } = passingReport();
    expect(reportProblems(rest).join('\n')).toContain("must have required property 'verdict'");
  });

  test('inconsistent reports fail validation', () => {
    const base = passingReport();
    const cases: Array<[string, unknown]> = [
      ['pass with a failed check', { ...base, checks: [...base.checks, { id: 'x/y', node: null, endpoint: null, status: 'fail', message: 'm' }] }],
      ['fail with no failed check', { ...base, verdict: 'fail' }],
      ['error without a message', { ...base, verdict: 'error', error: null }],
      ['pass with an error message', { ...base, error: 'boom' }],
      ['relative kubeconfig', { ...base, cluster: { ...base.cluster, kubeconfig: '.kube/config' } }],
      ['a bad timestamp', { ...base, startedAt: 'yesterday' }],
      ['an unknown proxy mode', { ...base, proxyMode: 'userspace' }],
      ['a negative count', { ...base, features: [{ ...base.features[0]!, measurements: [{ ...measurementOf(base), traffic: { 'kind-worker': { planned: -1, sent: 0, answered: 0, failed: 0 } } }] }] }],
      ['duplicate check ids', { ...base, checks: [base.checks[0], base.checks[0]] }],
      ['a matrix row for an unknown source', { ...base, features: [{ ...base.features[0]!, measurements: [{ ...measurementOf(base), matrix: { ghost: {} } }] }] }],
      ['pass with a feature in error', { ...base, features: [{ ...base.features[0]!, status: 'error', reason: 'r' }] }],
    ];
    for (const [label, value] of cases) expect(reportProblems(value), label).not.toEqual([]);
  });

  test('writeReportJson refuses an invalid report and writes nothing', () => {
    const dir = scratchDir('report');
    expect(() => writeReportJson(dir, { ...passingReport(), verdict: 'maybe' } as unknown as Report)).toThrow(ReportSchemaError);
    expect(existsSync(path.join(dir, 'report.json'))).toBe(false);
  });
});

test.describe('checks', () => {
  test('stable ids in a stable order', () => {
    const ids = passingReport().checks.map((c) => c.id);
    expect(ids.slice(0, 5)).toEqual([
      'forwarding/kind-control-plane',
      'reach/kind-control-plane/helloworld-abc',
      'reach/kind-control-plane/helloworld-def',
      'reach/kind-control-plane/helloworld-ghi',
      'balance/kind-control-plane',
    ]);
    expect(ids).toHaveLength(3 * 5 + 1);
    expect(ids.at(-1)).toBe('balance/pooled');
  });

  test('a missing endpoint and failed requests give actionable messages', () => {
    const checks = failingReport().checks;
    const byId = new Map(checks.map((c) => [c.id, c]));
    const reach = byId.get('reach/kind-worker2/helloworld-abc')!;
    expect(reach).toMatchObject({ status: 'fail', node: 'kind-worker2', endpoint: 'helloworld-abc' });
    expect(reach.message).toContain('0 of 296 answers through kind-worker2 came from helloworld-abc (10.244.2.3); about 99 expected; the chance of that by luck is');
    const forwarding = byId.get('forwarding/kind-worker2')!;
    expect(forwarding.status).toBe('fail');
    expect(forwarding.message).toBe('node kind-worker2 (172.18.0.4:30080): 4 of 300 requests failed (ECONNREFUSED: 4)');
    const balance = byId.get('balance/kind-worker2')!;
    expect(balance.status).toBe('fail');
    expect(balance.message).toMatch(/^node kind-worker2 \(172\.18\.0\.4:30080\): unbalanced: helloworld-abc got 0\.0% of 296 answers, expected 33\.3%/);
    expect(byId.get('balance/kind-worker')!.message).toMatch(/^node kind-worker \(172\.18\.0\.2:30080\): balanced over 3 endpoints/);
  });

  test('answers from pods that are not endpoints fail forwarding', () => {
    const matrix = { 'kind-worker': { 'helloworld-abc': 100, 'helloworld-def': 100, 'helloworld-ghi': 95, 'old-pod': 5 } };
    const [forwarding] = checksFor([NODES[1]!], matrix);
    expect(forwarding).toMatchObject({ status: 'fail' });
    expect(forwarding!.message).toContain('old-pod: 5');
  });

  test('externalTrafficPolicy Local: answers from a remote endpoint fail forwarding', () => {
    const matrix = { 'kind-worker': { 'helloworld-def': 140, 'helloworld-ghi': 150, 'helloworld-abc': 10 } };
    const checks = checksFor([NODES[1]!], matrix, 'Local');
    expect(checks.map((c) => c.id)).toEqual(['forwarding/kind-worker', 'reach/kind-worker/helloworld-def', 'reach/kind-worker/helloworld-ghi', 'balance/kind-worker']);
    expect(checks[0]).toMatchObject({ status: 'fail' });
    expect(checks[0]!.message).toContain('endpoints this source should not use (helloworld-abc: 10)');
  });

  test('too few answers make a missing endpoint a skip; unaddressed nodes are skipped, not dropped', () => {
    const matrix = { 'kind-worker': { 'helloworld-abc': 5, 'helloworld-def': 5 } };
    const checks = checksFor([NODES[1]!], matrix, 'Cluster', [{ name: 'lost', reason: 'no usable ExternalIP or InternalIP (it has only Hostname)' }]);
    const byId = new Map(checks.map((c) => [c.id, c]));
    expect(byId.get('reach/kind-worker/helloworld-ghi')).toMatchObject({ status: 'skip' });
    expect(byId.get('reach/kind-worker/helloworld-ghi')!.message).toContain('10 answers are too few to tell a missing endpoint from luck');
    expect(decideVerdict(checks).verdict, 'a skipped reach check is no pass').toBe('error');
    expect(byId.get('forwarding/lost')).toMatchObject({ status: 'skip', message: 'node lost was not tested: no usable ExternalIP or InternalIP (it has only Hostname)' });
  });

  test('verdict: error wins, then fail; a skip is never part of a pass', () => {
    const skip = { id: 'a', node: null, endpoint: null, status: 'skip' as const, message: 'm' };
    const pass = { ...skip, id: 'b', status: 'pass' as const };
    expect(decideVerdict([skip], 'boom')).toEqual({ verdict: 'error', error: 'boom' });
    expect(decideVerdict([skip, { ...skip, id: 'b', status: 'fail' }])).toEqual({ verdict: 'fail', error: null });
    expect(decideVerdict([skip, pass])).toEqual({ verdict: 'error', error: 'not enough evidence for a verdict: a: m' });
    expect(decideVerdict([pass])).toEqual({ verdict: 'pass', error: null });
    expect(decideVerdict([]).verdict).toBe('error');
  });

  test('a node given up on fails forwarding with what was planned, sent and answered', () => {
    const all = [...records('kind-control-plane', [100, 100, 100]), ...records('kind-worker', [100, 100, 100]), ...records('kind-worker2', [0, 0, 0], 10, 'ETIMEDOUT: timeout of 5000ms exceeded')];
    const report = reportFrom(all);
    const forwarding = report.checks.find((c) => c.id === 'forwarding/kind-worker2')!;
    expect(forwarding.status).toBe('fail');
    expect(forwarding.message).toBe('node kind-worker2 (172.18.0.4:30080): given up after 10 connection failures in a row: 10 of 300 planned requests sent, 0 answered (ETIMEDOUT: timeout of 5000ms exceeded: 10)');
    expect(measurementOf(report).traffic['kind-worker2']).toEqual({ planned: 300, sent: 10, answered: 0, failed: 10 });
    expect(report.verdict).toBe('fail');
  });
});

test.describe('writers', () => {
  test('XML escaping covers markup characters and characters XML cannot carry', () => {
    expect(escapeXml(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    expect(escapeXml('bell\u0007 tab\t nl\n')).toBe('bell\uFFFD tab\t nl\n');
    expect(escapeXml('lone \uD800 pair \uD83D\uDE00')).toBe('lone \uFFFD pair \uD83D\uDE00');
  });

  test('junit.xml: one testcase per check, failures carry escaped messages', () => {
    const report = failingReport();
    const checks = report.features[0]!.checks;
    checks[0] = { ...checks[0]!, status: 'fail', message: 'got <html> & "quotes" \u0001' };
    report.checks = checks;
    const xml = renderJunit(report);
    expect(xml.match(/<testcase /g)).toHaveLength(report.checks.length);
    const failures = report.checks.filter((c) => c.status === 'fail').length;
    expect(xml).toContain(`<testsuites name="kube-proxy-conformance" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="0" time="90.500">`);
    expect(xml).toContain('<failure message="got &lt;html&gt; &amp; &quot;quotes&quot; \uFFFD">');
    expect(xml).not.toContain('<html>');
    expect(xml).toContain('name="reach/kind-worker2/helloworld-abc"');
  });

  test('junit.xml for an error run has an error testcase', () => {
    const xml = renderJunit({ ...passingReport(), verdict: 'error', error: 'kind create cluster failed: <exit 1>', checks: [], features: [] });
    expect(xml).toContain('<error message="kind create cluster failed: &lt;exit 1&gt;">');
    expect(xml).toContain('tests="1" failures="0" errors="1"');
  });

  test('records.ndjson: one parseable line per record', () => {
    const rs = records('kind-worker', [2, 1, 0], 1);
    const text = renderNdjson(rs);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => JSON.parse(l) as RequestRecord)).toEqual(rs);
    expect(renderNdjson([])).toBe('');
  });

  test('heatmap.html: self-contained, every node and pod, escaped', () => {
    const report = failingReport();
    const html = renderHeatmap({ ...report, notes: ['<script>alert(1)</script>'] });
    for (const node of report.nodes) expect(html).toContain(node.name);
    for (const ep of measurementOf(report).endpoints) expect(html).toContain(ep.pod);
    expect(html).toContain('all sources pooled');
    expect(html).toContain('<section id="NodePort">');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/<link|src=|https?:\/\//);
    expect(html, 'every < starts a tag').not.toMatch(/<(?![a-zA-Z/!])/);
    expect(html).toContain('class="zero"');
  });

  test('writeReportFiles writes the five files; the conformance report validates and says failure', () => {
    const dir = scratchDir('report');
    const report = failingReport();
    const rs = records('kind-worker', [1, 1, 1]);
    const written = writeReportFiles(dir, report, renderNdjson(rs));
    expect(JSON.parse(readFileSync(written.reportJson, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(readFileSync(written.recordsNdjson, 'utf8').split('\n')).toHaveLength(4);
    expect(readFileSync(written.junitXml, 'utf8')).toMatch(/^<\?xml/);
    expect(readFileSync(written.heatmapHtml, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const conformance = parse(readFileSync(written.conformanceYaml, 'utf8')) as ConformanceReport;
    expect(conformanceReportProblems(conformance)).toEqual([]);
    expect(conformance.profiles[0]).toMatchObject({ name: 'nodeport', core: { result: 'failure' }, extended: null });
    expect(conformance.profiles[0]!.core.failedTests).toContain('reach/kind-worker2/helloworld-abc');
  });
});
