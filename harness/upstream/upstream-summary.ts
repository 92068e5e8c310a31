import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeAddress } from '../queries/types.js';
import type { SpecOutcome } from './ginkgo-report.js';
import type { NotRunTest, UpstreamTest } from './focus-list.js';
import { targetedNodes } from './targeted-nodes.js';

export type UpstreamResult = 'passed' | 'failed' | 'skipped' | 'not-run';

export interface UpstreamTestResult {
  name: string;
  behaviour: string | null;
  /** skipped: upstream's test skipped itself (message says why); not-run: this harness did not run it (reason). */
  result: UpstreamResult;
  /** Ginkgo's own state when it ran (failed, panicked, timedout, interrupted, ...). */
  state: string | null;
  durationSeconds: number | null;
  message: string | null;
  /** Nodes the test sent traffic to by node address (NodePort, health check port); see targeted-nodes.ts. */
  nodesTargeted: string[];
}

export interface UpstreamSummary {
  tool: 'kube-proxy-conformance upstream';
  startedAt: string;
  /** The whole command: build check, image load, e2e.test, clean-up. */
  wallSeconds: number;
  /** e2e.test alone, as Ginkgo measured it. */
  e2eSeconds: number;
  cluster: { context: string; kubernetesVersion: string; proxyMode: string; nodes: NodeAddress[] };
  e2e: { binary: string; args: string[]; exitCode: number | null; images: string[] };
  counts: Record<UpstreamResult, number>;
  tests: UpstreamTestResult[];
}

const FAILED_STATES = new Set(['failed', 'panicked', 'timedout', 'aborted', 'interrupted']);

/** Joins the focus list with what Ginkgo reported; a focus test Ginkgo never reached is "not-run". */
export function testResults(focus: readonly UpstreamTest[], notRun: readonly NotRunTest[], specs: readonly SpecOutcome[], nodes: readonly NodeAddress[]): UpstreamTestResult[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const ran = focus.map((test): UpstreamTestResult => {
    const spec = byName.get(test.name);
    if (!spec || (spec.state === 'skipped' && spec.durationSeconds === 0 && !spec.message)) {
      return { name: test.name, behaviour: test.behaviour, result: 'not-run', state: spec?.state ?? null, durationSeconds: null, message: 'e2e.test stopped before this test ran', nodesTargeted: [] };
    }
    const result: UpstreamResult = spec.state === 'passed' ? 'passed' : FAILED_STATES.has(spec.state) ? 'failed' : 'skipped';
    return { name: test.name, behaviour: test.behaviour, result, state: spec.state, durationSeconds: spec.durationSeconds, message: spec.message, nodesTargeted: targetedNodes(spec.output, nodes) };
  });
  const skipped = notRun.map((t): UpstreamTestResult => ({ name: t.name, behaviour: null, result: 'not-run', state: null, durationSeconds: null, message: t.reason, nodesTargeted: [] }));
  return [...ran, ...skipped];
}

export function countResults(tests: readonly UpstreamTestResult[]): Record<UpstreamResult, number> {
  const counts: Record<UpstreamResult, number> = { passed: 0, failed: 0, skipped: 0, 'not-run': 0 };
  for (const t of tests) counts[t.result] += 1;
  return counts;
}

export function writeUpstreamSummary(reportDir: string, summary: UpstreamSummary): string {
  const file = path.join(reportDir, 'upstream.json');
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  return file;
}

/** One line per test for the terminal. */
export function formatResults(tests: readonly UpstreamTestResult[]): string {
  return tests
    .map((t) => {
      const time = t.durationSeconds === null ? '' : ` (${t.durationSeconds.toFixed(1)} s)`;
      const why = t.result === 'passed' || !t.message ? '' : `: ${t.message.split('\n')[0]}`;
      return `  ${t.result.padEnd(8)} ${t.name}${time}${why}`;
    })
    .join('\n');
}
