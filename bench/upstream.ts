// npm run bench:upstream -- --kubeconfig <file>: upstream's e2e Services tests and certify on one
// live kind cluster, healthy and with a fault on one worker (docs/upstream-comparison.md).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { parseArgs } from '../harness/cli/cli-runner.js';
import { Kubectl } from '../harness/kube/kubectl.js';
import { resolveKubectl } from '../harness/tools/tool-resolver.js';
import { createLogger } from '../harness/util/log.js';
import { defaultVictim, runCertify, runUpstream, runWithFault, type FaultKind, type FaultOutcome } from './upstream-comparison.js';

const program = new Command('bench:upstream')
  .requiredOption('--kubeconfig <file>', 'a kind cluster of this harness (faults are injected into its node containers)')
  .option('--report-dir <dir>', 'where every run\'s reports and comparison.json go', 'reports/upstream-bench')
  .option('--victim <node>', 'the worker to break (default: the last worker by name)')
  .option('--faults <list>', 'faults to inject, comma-separated: skew, no-forwarding; "none" for the healthy runs only', 'skew,no-forwarding')
  .option('--no-healthy', 'skip the healthy runs');
parseArgs(program);
const opts = program.opts<{ kubeconfig: string; reportDir: string; victim?: string; faults: string; healthy: boolean }>();
const log = createLogger('bench:upstream');
const reportDir = path.resolve(opts.reportDir);
const kubeconfig = path.resolve(opts.kubeconfig);
const faults = opts.faults === 'none' ? [] : (opts.faults.split(',') as FaultKind[]);
for (const f of faults) if (!['skew', 'no-forwarding'].includes(f)) {
  process.stderr.write(`error: unknown fault "${f}": use skew, no-forwarding or none\n`);
  process.exit(2);
}

const kubectl = new Kubectl((await resolveKubectl(log)).path, kubeconfig);
const victim = opts.victim ?? (await defaultVictim(kubectl));
const results: Record<string, unknown> = { startedAt: new Date().toISOString(), kubeconfig, victim };
const save = () => writeFileSync(path.join(reportDir, 'comparison.json'), `${JSON.stringify(results, null, 2)}\n`);

if (opts.healthy) {
  log.step('healthy: certify');
  const certify = await runCertify(kubeconfig, path.join(reportDir, 'healthy-certify'));
  log.step(`healthy: certify exit ${certify.exitCode} in ${certify.wallSeconds} s; upstream's focus list`);
  const upstream = await runUpstream(kubeconfig, path.join(reportDir, 'healthy-upstream'));
  log.step(`healthy: upstream exit ${upstream.exitCode} in ${upstream.wallSeconds} s (e2e.test ${upstream.e2eSeconds} s)`);
  results.healthy = { certify, upstream, ratio: Math.round((upstream.wallSeconds / certify.wallSeconds) * 10) / 10 };
  save();
}
const outcomes: FaultOutcome[] = [];
for (const fault of faults) {
  const outcome = await runWithFault(kubeconfig, fault, victim, reportDir, log);
  outcomes.push(outcome);
  log.step(`${fault} on ${victim}: upstream ${outcome.upstream.caught ? 'CAUGHT it' : 'missed it'} (${outcome.upstream.failing.map((f) => f.name).join('; ') || 'no failures'}); certify ${outcome.certify.caught ? 'CAUGHT it' : 'missed it'} (${outcome.certify.failing.join('; ') || 'no failures'})`);
  results.faults = outcomes;
  save();
}
log.step(`wrote ${path.join(reportDir, 'comparison.json')}`);
