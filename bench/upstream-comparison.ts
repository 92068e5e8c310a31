// Upstream's e2e Services tests and certify on one live cluster: wall times, how many node x
// behaviour checks each makes, and which of them catches a broken proxy on one worker.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SkewFollower, skewFault } from '../harness/faults/skew-follower.js';
import { NodeFaultInjector } from '../harness/faults/node-fault-injector.js';
import { describeFault } from '../harness/faults/proxy-fault.js';
import { Kubectl } from '../harness/kube/kubectl.js';
import { APP_PORT, HelloworldLab } from '../harness/lab/helloworld-lab.js';
import { claimNamespace } from '../harness/lab/namespace-guard.js';
import { JqRunner } from '../harness/queries/jq-runner.js';
import type { Report } from '../harness/report/report-types.js';
import { readReportJson } from '../harness/report/write-report.js';
import { resolveKubectl } from '../harness/tools/tool-resolver.js';
import type { UpstreamSummary, UpstreamTestResult } from '../harness/upstream/upstream-summary.js';
import { run } from '../harness/util/exec.js';
import type { Logger } from '../harness/util/log.js';
import { REPO_ROOT } from '../harness/util/repo-root.js';

const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const cli = (name: string) => path.join(REPO_ROOT, 'harness/cli', `${name}.ts`);

export interface CertifyRun {
  exitCode: number | null;
  wallSeconds: number;
  verdict: Report['verdict'] | null;
  failing: string[];
  nodeBehaviourChecks: number;
}

export interface UpstreamRun {
  exitCode: number | null;
  wallSeconds: number;
  e2eSeconds: number;
  failing: { name: string; message: string | null; nodesTargeted: string[] }[];
  tests: UpstreamTestResult[];
  nodeBehaviourChecks: number;
}

export async function runCertify(kubeconfig: string, reportDir: string, extra: string[] = []): Promise<CertifyRun> {
  mkdirSync(reportDir, { recursive: true });
  const started = performance.now();
  const { exitCode } = await run(TSX, [cli('certify'), '--kubeconfig', kubeconfig, '--client', 'host', '--report-dir', reportDir, ...extra], { check: false });
  const wallSeconds = round((performance.now() - started) / 1000);
  let report: Report | undefined;
  try {
    report = readReportJson(reportDir);
  } catch {
    report = undefined;
  }
  return {
    exitCode,
    wallSeconds,
    verdict: report?.verdict ?? null,
    failing: report?.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`) ?? [],
    nodeBehaviourChecks: report ? certifyNodeBehaviours(report) : 0,
  };
}

/** Distinct (node, behaviour) pairs among certify's checks: forwarding, reach (all endpoints), balance. */
export function certifyNodeBehaviours(report: Report): number {
  const pairs = new Set(report.checks.filter((c) => c.node !== null).map((c) => `${c.node}/${c.id.split('/')[0]}`));
  return pairs.size;
}

export async function runUpstream(kubeconfig: string, reportDir: string): Promise<UpstreamRun> {
  mkdirSync(reportDir, { recursive: true });
  const started = performance.now();
  const { exitCode } = await run(TSX, [cli('upstream'), '--kubeconfig', kubeconfig, '--report-dir', reportDir], { check: false });
  const wallSeconds = round((performance.now() - started) / 1000);
  const summary = JSON.parse(readFileSync(path.join(reportDir, 'upstream.json'), 'utf8')) as UpstreamSummary;
  const ran = summary.tests.filter((t) => t.result === 'passed' || t.result === 'failed');
  return {
    exitCode,
    wallSeconds,
    e2eSeconds: summary.e2eSeconds,
    failing: summary.tests.filter((t) => t.result === 'failed').map((t) => ({ name: t.name, message: t.message?.split('\n')[0] ?? null, nodesTargeted: t.nodesTargeted })),
    tests: summary.tests,
    // A test that names no node still sends through one node's proxy (its client pod's).
    nodeBehaviourChecks: ran.reduce((n, t) => n + Math.max(1, t.nodesTargeted.length), 0),
  };
}

export type FaultKind = 'skew' | 'no-forwarding';

export interface FaultOutcome {
  fault: FaultKind;
  victim: string;
  description: string;
  upstream: UpstreamRun & { caught: boolean; skewEvents?: SkewFollower['events'] };
  certify: CertifyRun & { caught: boolean; namesVictim: boolean };
}

/** The worker broken by default: the last by name, as specs/faults/broken-proxy.spec.ts picks. */
export async function defaultVictim(kubectl: Kubectl): Promise<string> {
  const nodes = (await JqRunner.load()).nodeAddresses(await kubectl.json(['get', 'nodes'])).addressed;
  const workers = nodes.filter((n) => !n.name.endsWith('control-plane')).map((n) => n.name).sort();
  if (workers.length === 0) throw new Error('no worker nodes');
  return workers.at(-1)!;
}

/**
 * Breaks the proxy on `victim` with `fault`, runs upstream's focus list and certify against the
 * cluster, and restores the node. For upstream the skew follows the Services its tests create
 * (SkewFollower); for certify it is aimed at the lab's endpoints before certify starts, as
 * specs/faults/broken-proxy.spec.ts does.
 */
export async function runWithFault(kubeconfig: string, fault: FaultKind, victim: string, reportDir: string, log: Logger, namespace = 'kpc-upstream-lab'): Promise<FaultOutcome> {
  const kubectl = new Kubectl((await resolveKubectl(log)).path, kubeconfig);
  const injector = new NodeFaultInjector(victim);

  log.step(`${fault} on ${victim}: upstream's focus list`);
  let upstream: FaultOutcome['upstream'];
  if (fault === 'skew') {
    const follower = new SkewFollower(kubectl, victim, (ns) => !['kube-system', 'kube-public', 'kube-node-lease', 'default', namespace].includes(ns), log);
    follower.start();
    try {
      const result = await runUpstream(kubeconfig, path.join(reportDir, `${fault}-upstream`));
      upstream = { ...result, caught: result.failing.length > 0, skewEvents: follower.events };
    } finally {
      await follower.stop();
    }
  } else {
    await injector.inject({ kind: 'no-forwarding' }, APP_PORT);
    try {
      const result = await runUpstream(kubeconfig, path.join(reportDir, `${fault}-upstream`));
      upstream = { ...result, caught: result.failing.length > 0 };
    } finally {
      await injector.clear();
    }
  }

  log.step(`${fault} on ${victim}: certify`);
  const lab = new HelloworldLab(kubectl, namespace);
  const claim = await claimNamespace(kubectl, namespace, { log });
  let certify: FaultOutcome['certify'];
  let description: string;
  try {
    await lab.deploy();
    await lab.waitForRollout();
    const jq = await JqRunner.load();
    await lab.waitForReadyEndpoints(await lab.replicas(), (slices) => jq.endpoints(slices).ready.length);
    const endpoints = jq.endpoints(await lab.endpointSlicesJson()).ready;
    const proxyFault = fault === 'skew' ? skewFault(endpoints) : ({ kind: 'no-forwarding' } as const);
    description = describeFault(proxyFault);
    await injector.inject(proxyFault, APP_PORT);
    try {
      const result = await runCertify(kubeconfig, path.join(reportDir, `${fault}-certify`), ['--namespace', namespace]);
      certify = { ...result, caught: result.exitCode === 1 && result.failing.length > 0, namesVictim: result.failing.some((f) => f.includes(victim)) };
    } finally {
      await injector.clear();
    }
  } finally {
    if (claim.created) await lab.deleteNamespace();
  }
  return { fault, victim, description, upstream, certify };
}

const round = (x: number) => Math.round(x * 10) / 10;
