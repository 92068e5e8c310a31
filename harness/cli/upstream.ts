import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { assertDockerReachable } from '../cluster/docker.js';
import { ExistingClusterProvider } from '../cluster/existing-cluster-provider.js';
import { Kubectl } from '../kube/kubectl.js';
import { JqRunner } from '../queries/jq-runner.js';
import { resolveKubectl } from '../tools/tool-resolver.js';
import { E2eNamespaces } from '../upstream/e2e-namespaces.js';
import { listUpstreamTests, runE2e } from '../upstream/e2e-runner.js';
import { UPSTREAM_FOCUS, UPSTREAM_MODE_NOT_RUN, UPSTREAM_NOT_RUN } from '../upstream/focus-list.js';
import { readGinkgoReport } from '../upstream/ginkgo-report.js';
import { buildUpstream } from '../upstream/upstream-build.js';
import { countResults, formatResults, testResults, writeUpstreamSummary } from '../upstream/upstream-summary.js';
import { ensureWritableDir } from './certify-options.js';
import { parseArgs, pathArg, runCli } from './cli-runner.js';
import { commandName } from './command-name.js';
import { run as runProcess } from '../util/exec.js';
import { REPO_ROOT } from '../util/repo-root.js';

const program = new Command(commandName('upstream'))
  .description("Run a fixed list of upstream's [sig-network] Services e2e tests (k8s.io/kubernetes, built offline) against a cluster")
  .requiredOption('--kubeconfig <file>', 'the cluster to test (a kind cluster on this host gets the test images loaded)', pathArg('--kubeconfig'))
  .option('--report-dir <dir>', 'where upstream.json, junit_upstream_01.xml and upstream/ (e2e.log, the Ginkgo report) go', pathArg('--report-dir'), 'reports');
parseArgs(program);
const opts = program.opts<{ kubeconfig: string; reportDir: string }>();

await runCli('upstream', async ({ log, cleanup, signal }) => {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const reportDir = ensureWritableDir(opts.reportDir);
  const kubectlPath = (await resolveKubectl(log)).path;
  const provider = new ExistingClusterProvider(opts.kubeconfig, kubectlPath, log);
  const info = await provider.up(signal);
  await assertDockerReachable(log);
  if (info.dockerNetwork) {
    // Upstream's tests connect to deleted ClusterIPs; in iptables mode that traffic leaves the node
    // by its default route. prepare-docker.sh makes sure it ends on this host (idempotent).
    log.step('keeping traffic to Service addresses (10.96.0.0/12) on this host (scripts/prepare-docker.sh)');
    await runProcess('bash', [path.join(REPO_ROOT, 'scripts/prepare-docker.sh')], { signal, onStderrLine: (line) => log.info(line) });
  }

  log.step("building upstream's e2e.test and agnhost (images/upstream/build.sh; cached after the first build)");
  const artifacts = await buildUpstream(log, signal);
  const listed = await listUpstreamTests(artifacts.e2eTest, signal);
  const unknown = [...UPSTREAM_FOCUS, ...UPSTREAM_NOT_RUN].filter((t) => !listed.has(t.name));
  if (unknown.length > 0) throw new Error(`e2e.test holds no test named "${unknown[0]!.name}" (${unknown.length} such): update harness/upstream/focus-list.ts`);
  for (const image of artifacts.images) {
    log.step(`making ${image} available to the nodes`);
    await provider.loadImage(image, signal);
  }

  const kubectl = new Kubectl(kubectlPath, provider.kubeconfig);
  const nodes = (await JqRunner.load()).nodeAddresses(await kubectl.json(['get', 'nodes'], { signal })).addressed;
  const workDir = path.join(reportDir, 'upstream');
  mkdirSync(workDir, { recursive: true });
  const namespaces = new E2eNamespaces(kubectl);
  await namespaces.snapshot();
  cleanup.push("delete upstream's test namespaces", async () => {
    const removed = await namespaces.remove();
    if (removed.length > 0) log.step(`deleted upstream's test namespaces ${removed.join(', ')}`);
  });

  log.step(`running ${UPSTREAM_FOCUS.length} upstream tests against "${info.name}" (proxy mode ${info.proxyMode}); output in ${path.join(workDir, 'e2e.log')}`);
  const e2e = await runE2e({ e2eTest: artifacts.e2eTest, kubeconfig: provider.kubeconfig, kubectl: kubectlPath, registry: artifacts.registry, tests: UPSTREAM_FOCUS, reportDir, workDir, signal, log });
  if (signal.aborted) return;

  let run;
  try {
    run = readGinkgoReport(e2e.files.ginkgoJson, new Set(UPSTREAM_FOCUS.map((t) => t.name)));
  } catch (error) {
    throw new Error(`e2e.test exited ${e2e.exitCode} without a readable report (${(error as Error).message}): see ${e2e.files.output}`);
  }
  const notRun = info.proxyMode === 'ipvs' ? UPSTREAM_NOT_RUN : [...UPSTREAM_NOT_RUN, UPSTREAM_MODE_NOT_RUN];
  const tests = testResults(UPSTREAM_FOCUS, notRun, run.specs, nodes);
  const counts = countResults(tests);
  const file = writeUpstreamSummary(reportDir, {
    tool: 'kube-proxy-conformance upstream',
    startedAt,
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    e2eSeconds: run.runSeconds,
    cluster: { context: info.name, kubernetesVersion: info.kubernetesVersion, proxyMode: info.proxyMode, nodes },
    e2e: { binary: artifacts.e2eTest, args: e2e.args, exitCode: e2e.exitCode, images: artifacts.images },
    counts,
    tests,
  });
  process.stdout.write(`${formatResults(tests)}\n`);
  log.step(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped by upstream, ${counts['not-run']} not run; e2e.test ${run.runSeconds} s; ${file}`);
  const focus = new Set(UPSTREAM_FOCUS.map((t) => t.name));
  const unreached = tests.filter((t) => focus.has(t.name) && t.result === 'not-run');
  if (counts.failed > 0) return 1;
  // A run that selected or reached fewer tests than the list is no result, whatever e2e.test said.
  if (unreached.length > 0) throw new Error(`e2e.test ran ${UPSTREAM_FOCUS.length - unreached.length} of the ${UPSTREAM_FOCUS.length} focus tests (exit ${e2e.exitCode}; not reached: ${unreached[0]!.name}${unreached.length > 1 ? ` and ${unreached.length - 1} more` : ''}): see ${e2e.files.output}`);
  if (e2e.exitCode !== 0) throw new Error(`e2e.test exited ${e2e.exitCode} although no test failed: see ${e2e.files.output}`);
  return 0;
});
