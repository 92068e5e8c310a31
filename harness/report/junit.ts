import { escapeXml } from './escape.js';
import type { Check, Report } from './report-types.js';

const SUITE = 'kube-proxy-conformance';

function seconds(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0';
}

function testcase(classname: string, name: string, status: 'pass' | 'fail' | 'skip' | 'error', message: string): string {
  const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(name)}" time="0"`;
  if (status === 'pass') return `${open}>\n      <system-out>${escapeXml(message)}</system-out>\n    </testcase>`;
  const tag = status === 'fail' ? 'failure' : status === 'skip' ? 'skipped' : 'error';
  return `${open}>\n      <${tag} message="${escapeXml(message)}">${escapeXml(message)}</${tag}>\n    </testcase>`;
}

/**
 * One testcase per check (classname: its feature); a feature the cluster could not test is one
 * skipped testcase, one that could not be judged one error testcase, and a run that ended in
 * error one more error testcase, "run".
 */
export function renderJunit(report: Report): string {
  const cases: string[] = [];
  for (const feature of report.features) {
    if (feature.status === 'skip') cases.push(testcase(feature.id, feature.id, 'skip', feature.reason ?? 'not testable on this cluster'));
    else if (feature.status === 'error') cases.push(testcase(feature.id, feature.id, 'error', feature.reason ?? 'could not be judged'));
    cases.push(...feature.checks.map((c: Check) => testcase(c.feature, c.id, c.status, c.message)));
  }
  if (report.verdict === 'error' && !report.features.some((f) => f.status === 'error')) {
    cases.push(testcase('run', 'run', 'error', report.error ?? 'the run could not reach a verdict'));
  }
  const count = (tag: string) => cases.filter((c) => c.includes(`<${tag} `)).length;
  const counts = `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds(report.startedAt, report.finishedAt)}"`;
  const properties = [
    ['verdict', report.verdict],
    ['profile', report.profile],
    ['implementation', `${report.implementation.name}${report.implementation.version ? ` ${report.implementation.version}` : ''}`],
    ['proxyMode', report.proxyMode],
    ['cluster', report.cluster.name ?? report.cluster.provider],
    ['kubernetesVersion', report.cluster.kubernetesVersion ?? 'unknown'],
  ].map(([name, value]) => `      <property name="${escapeXml(name as string)}" value="${escapeXml(value as string)}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${SUITE}" ${counts}>`,
    `  <testsuite name="${escapeXml(`${SUITE} (${report.proxyMode})`)}" timestamp="${escapeXml(report.startedAt)}" ${counts}>`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
