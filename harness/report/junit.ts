import { escapeXml } from './escape.js';
import type { Check, Report } from './report-types.js';

const SUITE = 'kube-proxy-conformance';

function seconds(report: Report): string {
  const ms = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0';
}

function testcase(check: Check): string {
  const open = `    <testcase classname="${escapeXml(check.id.split('/')[0] ?? check.id)}" name="${escapeXml(check.id)}" time="0"`;
  if (check.status === 'pass') return `${open}>\n      <system-out>${escapeXml(check.message)}</system-out>\n    </testcase>`;
  const tag = check.status === 'fail' ? 'failure' : 'skipped';
  return `${open}>\n      <${tag} message="${escapeXml(check.message)}">${escapeXml(check.message)}</${tag}>\n    </testcase>`;
}

/** One testcase per check; a run that ended in error gets one more testcase, "run", carrying the error. */
export function renderJunit(report: Report): string {
  const cases = report.checks.map(testcase);
  const errors = report.verdict === 'error' ? 1 : 0;
  if (errors) {
    const message = escapeXml(report.error ?? 'the run could not reach a verdict');
    cases.push(`    <testcase classname="run" name="run" time="0">\n      <error message="${message}">${message}</error>\n    </testcase>`);
  }
  const failures = report.checks.filter((c) => c.status === 'fail').length;
  const skipped = report.checks.filter((c) => c.status === 'skip').length;
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(report)}"`;
  const properties = [
    ['verdict', report.verdict],
    ['proxyMode', report.proxyMode],
    ['cluster', report.cluster.name ?? report.cluster.provider],
    ['kubernetesVersion', report.cluster.kubernetesVersion ?? 'unknown'],
    ['service', `${report.service.namespace}/${report.service.name}`],
    ['client', report.client ?? 'none'],
    ['requestsPerNode', String(report.requestsPerNode)],
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
