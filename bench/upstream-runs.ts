// Upstream's e2e Services tests next to certify on one live cluster: wall times, and how many
// node x behaviour checks each makes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkKind } from '../harness/report/matrix.js';
import type { Report } from '../harness/report/report-types.js';
import type { UpstreamSummary, UpstreamTestResult } from '../harness/upstream/upstream-summary.js';
import { Kubectl } from '../harness/kube/kubectl.js';
import { resolveKubectl } from '../harness/tools/tool-resolver.js';
import { run } from '../harness/util/exec.js';
import { createLogger } from '../harness/util/log.js';
import { harness, NODE } from './harness-cli.js';


export interface UpstreamRun {
  exitCode: number | null;
  wallSeconds: number;
  e2eSeconds: number;
  failing: { name: string; message: string | null; nodesTargeted: string[] }[];
  tests: UpstreamTestResult[];
  counts: UpstreamSummary['counts'];
  nodeBehaviourChecks: number;
}

/** Distinct (node, feature, kind of check) among certify's checks: forwarding, reach (all endpoints), balance, ... */
export function certifyNodeBehaviours(report: Report): number {
  return new Set(report.checks.filter((c) => c.node !== null).map((c) => `${c.node}/${c.feature}/${checkKind(c.id, c.node)}`)).size;
}

export async function runUpstream(kubeconfig: string, reportDir: string): Promise<UpstreamRun> {
  const started = performance.now();
  const { exitCode } = await run(NODE, [...harness('upstream'), '--kubeconfig', kubeconfig, '--report-dir', reportDir], { check: false });
  const wallSeconds = round((performance.now() - started) / 1000);
  const summary = JSON.parse(readFileSync(path.join(reportDir, 'upstream.json'), 'utf8')) as UpstreamSummary;
  const ran = summary.tests.filter((t) => t.result === 'passed' || t.result === 'failed');
  return {
    exitCode,
    wallSeconds,
    e2eSeconds: summary.e2eSeconds,
    failing: summary.tests.filter((t) => t.result === 'failed').map((t) => ({ name: t.name, message: t.message?.split('\n')[0] ?? null, nodesTargeted: t.nodesTargeted })),
    tests: summary.tests,
    counts: summary.counts,
    // A test that names no node still sends through one node's proxy (its client pod's).
    nodeBehaviourChecks: ran.reduce((n, t) => n + Math.max(1, t.nodesTargeted.length), 0),
  };
}

/**
 * Upstream skips two of the focus tests on kind's default shape: one needs 3 schedulable nodes,
 * PreferClose needs 3 zones. The bench boots 3 workers and gives each a zone of its own.
 */
export async function labelWorkerZones(kubeconfig: string): Promise<void> {
  const kubectl = new Kubectl((await resolveKubectl(createLogger('bench'))).path, kubeconfig);
  const nodes = await kubectl.json<{ items: { metadata: { name: string; labels?: Record<string, string> } }[] }>(['get', 'nodes']);
  const workers = nodes.items.map((n) => n.metadata.name).filter((n) => !n.endsWith('-control-plane')).sort();
  for (const [i, node] of workers.entries()) await kubectl.run(['label', 'node', node, '--overwrite', `topology.kubernetes.io/zone=zone-${String.fromCharCode(97 + i)}`]);
}

const round = (x: number) => Math.round(x * 10) / 10;
