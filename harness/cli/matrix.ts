import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { hostHasIpvs, IPVS_NOT_TESTABLE, PROXY_MODES } from '../cluster/proxy-mode.js';
import { PROFILE_NAMES, type ProfileName } from '../features/registry.js';
import { renderMatrix, matrixRows, nodeRole, type Matrix, type MatrixColumn } from '../report/matrix.js';
import { readReportJson } from '../report/report-reader.js';
import type { Report } from '../report/report-types.js';
import { writeAtomically } from '../util/write-atomically.js';
import { UsageError } from '../util/errors.js';
import { run } from '../util/exec.js';
import { REPO_ROOT } from '../util/repo-root.js';
import { oneOf, parseArgs, pathArg, positiveInt, runCli } from './cli-runner.js';
import { commandName } from './command-name.js';
import { ensureWritableDir } from './certify-options.js';
import { readProxyManifests } from '../cluster/proxy-manifest.js';
import { assertHostCouldHold } from '../cluster/host-capacity.js';

const program = new Command(commandName('matrix'))
  .description('Certify several implementations one after another, each on a kind cluster of its own, and write one comparison (matrix.json, matrix.html)')
  .argument('<implementations...>', 'kube-proxy:<mode> (kind\'s kube-proxy in that mode), or a file or directory of proxy manifests (certify --proxy-manifest)')
  .option('--profile <name>', `conformance profile for every implementation: ${PROFILE_NAMES.join(', ')}`, oneOf('profile', PROFILE_NAMES), 'nodeport')
  .option('--workers <n>', 'worker nodes of each cluster (default: as in kind-config.yaml)', positiveInt('--workers'))
  .option('--report-dir <dir>', 'where matrix.json, matrix.html and each implementation\'s reports go', pathArg('--report-dir'), 'reports/matrix');
parseArgs(program);
const entries = program.args;
const options = program.opts<{ profile: ProfileName; workers?: number; reportDir: string }>();

/** How one entry is certified: the certify arguments, or why this host cannot. */
function plan(entry: string): { args: string[] } | { notTestable: string } {
  const mode = /^kube-proxy:(.+)$/.exec(entry)?.[1];
  if (mode !== undefined) {
    if (!(PROXY_MODES as readonly string[]).includes(mode) || mode === 'none') {
      throw new UsageError(`unknown implementation "${entry}"`, `use kube-proxy:iptables, kube-proxy:nftables or kube-proxy:ipvs, or a path to proxy manifests`);
    }
    if (mode === 'ipvs' && !hostHasIpvs()) return { notTestable: IPVS_NOT_TESTABLE };
    return { args: ['--proxy-mode', mode] };
  }
  if (existsSync(entry)) {
    // Read now, as certify would, so that a bad entry is refused before the first cluster boots.
    readProxyManifests(path.resolve(entry));
    return { args: ['--proxy-manifest', path.resolve(entry)] };
  }
  throw new UsageError(`implementation "${entry}" is neither kube-proxy:<mode> nor an existing file or directory`, 'pass kube-proxy:nftables, kube-proxy:iptables or a path to proxy manifests');
}

await runCli('certify:matrix', async ({ log, signal }) => {
  const plans = entries.map((entry) => ({ entry, plan: plan(entry) }));
  if (plans.every(({ plan: p }) => 'notTestable' in p)) {
    // A matrix of "not testable here" columns would exit 0 having certified nothing.
    throw new UsageError(`no implementation in the matrix can be tested on this host (${plans.map(({ entry, plan: p }) => `${entry}: ${'notTestable' in p ? p.notTestable : ''}`).join('; ')})`, 'add one this host can run, such as kube-proxy:nftables or kube-proxy:iptables');
  }
  const reportDir = ensureWritableDir(options.reportDir);
  if (options.workers !== undefined) assertHostCouldHold(options.workers);
  mkdirSync(reportDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const columns: MatrixColumn[] = [];
  const reports: (Report | null)[] = [];
  for (const [i, { entry, plan: p }] of plans.entries()) {
    const column: MatrixColumn = { entry, notTestable: null, exitCode: null, seconds: null, reportDir: null, implementation: null, proxyMode: null, verdict: null, error: null };
    columns.push(column);
    if ('notTestable' in p) {
      log.step(`${entry}: not testable here (${p.notTestable})`);
      column.notTestable = p.notTestable;
      reports.push(null);
      continue;
    }
    column.reportDir = path.join(reportDir, `${i + 1}-${entry.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '')}`);
    const args = ['certify', ...p.args, '--profile', options.profile, '--name', `kpc-matrix-${i + 1}`, '--report-dir', column.reportDir, ...(options.workers ? ['--workers', String(options.workers)] : [])];
    log.step(`${i + 1}/${plans.length}: certifying ${entry} (${args.slice(1).join(' ')})`);
    const started = Date.now();
    const result = await run(process.execPath, [path.join(REPO_ROOT, 'bin/kube-proxy-conformance.mjs'), ...args], { check: false, signal, onStderrLine: (line) => log.info(line) });
    if (signal.aborted) return 130;
    column.seconds = (Date.now() - started) / 1000;
    column.exitCode = result.exitCode;
    let report: Report | null = null;
    try {
      report = readReportJson(column.reportDir);
    } catch {
      column.error = `no report: certify exited ${result.exitCode} (${result.stderr.trim().split('\n').pop() ?? ''})`;
    }
    if (report) {
      column.implementation = `${report.implementation.name}${report.implementation.version ? ` ${report.implementation.version}` : ''}`;
      column.proxyMode = report.proxyMode;
      column.verdict = report.verdict;
      column.error = report.error;
    }
    reports.push(report);
    log.step(`${entry}: ${(column.verdict ?? 'error').toUpperCase()} in ${column.seconds.toFixed(0)} s`);
  }
  const matrix: Matrix = {
    profile: options.profile,
    columns,
    rows: matrixRows(reports),
    latencies: reports.flatMap((report, column) =>
      (report?.features.find((f) => f.id === 'EndpointChurn')?.figures[0]?.rows ?? []).map((r) => ({
        column,
        node: nodeRole(String(r[0]), report!.cluster.name),
        joinedP50: r[1] as number | null,
        joinedP99: r[2] as number | null,
        leftP50: r[4] as number | null,
        leftP99: r[5] as number | null,
      })),
    ),
    startedAt,
    finishedAt: new Date().toISOString(),
  };
  writeAtomically(path.join(reportDir, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
  const page = writeAtomically(path.join(reportDir, 'matrix.html'), renderMatrix(matrix));
  log.step(`matrix: ${page}`);
  const tested = columns.filter((c) => !c.notTestable);
  if (tested.some((c) => c.verdict === 'fail')) return 1;
  if (tested.some((c) => c.verdict !== 'pass')) return 2;
  return 0;
});

