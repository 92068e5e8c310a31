// npm run bench: the figures in docs/benchmarks.md, measured in one run on this machine.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../harness/util/repo-root.js';
import { run } from '../harness/util/exec.js';
import { measurementOf as nodePortMeasurement, readReportJson } from '../harness/report/report-reader.js';
import { MemorySampler } from './memory-sampler.js';
import { compareWithPeers } from './traffic-peers.js';

const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const cli = (name: string) => path.join(REPO_ROOT, 'harness/cli', `${name}.ts`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

async function timed<T>(body: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await body();
  return { ms: performance.now() - started, value };
}

async function clusterUp(name: string): Promise<void> {
  await run(TSX, [cli('cluster-up'), '--name', name, '--proxy-mode', 'nftables']);
}
const clusterDown = (name: string) => run(TSX, [cli('cluster-down'), '--name', name]);

if ((await run('wrk', ['--version'], { check: false }).catch(() => ({ exitCode: 127 }))).exitCode === 127) {
  process.stderr.write('error: wrk not found: install it (apt-get install wrk); the traffic client is compared against it\n');
  process.exit(2);
}

const rows: [string, string, string][] = [];
const row = (what: string, value: string, goal = '') => {
  rows.push([what, value, goal]);
  log(`${what}: ${value}`);
};

log('warm node image rebuild');
const rebuild = await timed(() => run('bash', [path.join(REPO_ROOT, 'images/build-node-image.sh')]));
row('warm node-image rebuild (`npm run build:node-image`, inputs unchanged)', seconds(rebuild.ms));

const ups: number[] = [];
let peakMiB = 0;
for (let i = 1; i <= 3; i++) {
  const name = `kpc-bench-up${i}`;
  log(`cluster:up ${i}/3`);
  const sampler = MemorySampler.start();
  ups.push((await timed(() => clusterUp(name))).ms);
  peakMiB = Math.max(peakMiB, sampler.stop());
  await clusterDown(name);
}
row('warm `cluster:up` (3 nodes, nftables), median of 3', `${seconds(median(ups))} (runs: ${ups.map(seconds).join(', ')})`, '<= 150 s');
row('peak memory added while a cluster boots and runs', `${peakMiB.toFixed(0)} MiB`);

const name = 'kpc-bench';
await clusterUp(name);
const kubeconfig = path.join(REPO_ROOT, '.kube', `${name}.kubeconfig`);
try {
  const verdicts: number[] = [];
  let reportDir = '';
  for (let i = 1; i <= 3; i++) {
    reportDir = mkdtempSync(path.join(os.tmpdir(), 'kpc-bench-'));
    log(`certify on the running cluster ${i}/3`);
    verdicts.push((await timed(() => run(TSX, [cli('certify'), '--kubeconfig', kubeconfig, '--keep', '--report-dir', reportDir, '--client', 'host']))).ms);
  }
  row('time to verdict on a running cluster (`certify --kubeconfig --keep`, 900 requests/node), median of 3; the first run also loads the app image into the nodes', `${seconds(median(verdicts))} (runs: ${verdicts.map(seconds).join(', ')})`, '<= 30 s');

  const report = readReportJson(reportDir);
  const source = nodePortMeasurement(report).sources.at(1) ?? nodePortMeasurement(report).sources[0]!;
  const [address, port] = source.target.split(':') as [string, string];
  const target = { node: source.node, address, port: Number(port) };
  for (const [what, value, goal] of await compareWithPeers(target)) row(what, value, goal);
} finally {
  await clusterDown(name);
}

log('warm certify including boot and teardown');
const full = await timed(() => run(TSX, [cli('certify'), '--name', 'kpc-bench-full', '--report-dir', mkdtempSync(path.join(os.tmpdir(), 'kpc-bench-'))]));
row('warm `npm run certify` including boot and teardown', seconds(full.ms), '<= 180 s');

writeResults();

function writeResults(): void {
  const file = path.join(REPO_ROOT, 'docs/benchmarks.md');
  const text = readFileSync(file, 'utf8');
  const table = ['| measurement | result | goal |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const stamp = `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, kernel ${os.release()}.`;
  const block = `<!-- bench:start -->\n${stamp}\n\n${table}\n<!-- bench:end -->`;
  writeFileSync(file, text.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, block));
  log(`wrote ${file}`);
}
