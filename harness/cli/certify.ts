import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { assertDockerReachable, nodeContainers } from '../cluster/docker.js';
import { detectProxyModeOf } from '../cluster/existing-cluster-provider.js';
import { ApiProxies } from '../kube/api-proxies.js';
import { Kubectl } from '../kube/kubectl.js';
import { resolveKubectl } from '../tools/tool-resolver.js';
import { claimNamespace } from '../lab/namespace-guard.js';
import { settleEarlierRuns } from '../lab/earlier-runs.js';
import { validateKindOptions } from '../cluster/kind-cluster-provider.js';
import { countNodes } from '../cluster/kind-config.js';
import { checkRequestsForRun } from '../features/check-requests.js';
import { featureById } from '../features/registry.js';
import { runNamespaces } from '../run/run-namespaces.js';
import { printRbac } from './print-rbac.js';
import { runSummary, reproduceCommand } from '../run/run-summary.js';
import { runFeatures } from '../run/feature-suite.js';
import { renderNdjson } from '../report/ndjson.js';
import { assembleReport } from '../report/assemble-report.js';
import { providerFor, resolveTools } from '../run/providers.js';
import type { ClusterState, RunConfig } from '../run/run-config.js';
import { JqRunner } from '../queries/jq-runner.js';
import { errorMessage, UsageError } from '../util/errors.js';
import { certifyCommand, toRunConfig, type CertifyOptions } from './certify-options.js';
import { parseArgs, runCli, type CliContext, type CliFailure } from './cli-runner.js';
import type { Logger } from '../util/log.js';
import { REPORT_FILES, writeReportFiles } from '../report/write-report.js';
import { compileReportSchemas } from '../report/report-validator.js';
import { deleteKindClusterIfThere, tearDownRun } from '../run/tear-down.js';
import { assertImagesLocal, bootWithProxy, preflightProxyManifest } from '../run/proxy-boot.js';
import { CNI_CONFIG_DIR, podNetworkDaemonSets, type ProxyManifests } from '../cluster/proxy-manifest.js';
import { removeProxy } from '../cluster/proxy-installer.js';
import { setUpCluster } from '../run/cluster-setup.js';
import { RunGuard } from '../run/run-guard.js';
import { TrafficLane } from '../traffic/traffic-lane.js';

const program = certifyCommand();
parseArgs(program);
const options = program.opts<CertifyOptions>();

await runCli('certify', async (ctx) => {
  const { log, signal, cleanup } = ctx;
  const asked = toRunConfig(options);
  if (options.printRbac) {
    process.stdout.write(printRbac(asked, process.argv.slice(2)));
    return 0;
  }
  const manifests = asked.cluster.kind === 'kind' ? preflightProxyManifest(asked.cluster) : undefined;
  // One `kubectl proxy` for the run's cluster carries the reads of the setup and of every feature.
  const api = new ApiProxies();
  cleanup.push("certify's kubectl proxy", () => api.closeAll(), { quiet: true });
  const prepared = await prepare(asked, manifests, api, ctx);
  if ('code' in prepared) return prepared;
  const { config, startedAt, state } = prepared;
  const requests = config.requestsPerNode === null ? 'the recommended number of requests' : `${config.requestsPerNode} requests`;
  log.step(`certifying ${config.features.join(', ')} (profile ${config.profile}; ${config.replicas} endpoints, ${requests} per node, client ${config.client}); reports in ${config.reportDir}`);
  // The reports' schemas compile while the features run, not once they are done.
  setImmediate(compileReportSchemas);
  const kubectl = await api.attach(new Kubectl(state.kubectl ?? (await resolveKubectl(log)).path, state.info.kubeconfig));
  const outcomes = await runFeatures(config.features.map(featureById), { run: config, state, kubectl, log, lane: new TrafficLane() }, signal);
  if (signal.aborted) return 130;

  const report = assembleReport(runSummary(config, state, startedAt, reproduceCommand(process.argv.slice(2))), new Map(outcomes.map((o) => [o.report.id, o.report])));
  const written = writeReportFiles(config.reportDir, report, renderNdjson(outcomes.flatMap((o) => o.records)));
  for (const feature of report.features) {
    log.info(`${feature.id}: ${feature.status.toUpperCase()}${feature.reason ? ` (${feature.reason})` : ''}`);
  }
  for (const check of report.checks.filter((c) => c.status === 'fail')) log.info(`FAIL ${check.id}: ${check.message}`);
  log.step(`verdict: ${report.verdict.toUpperCase()}${report.error ? ` (${report.error})` : ''}; report: ${written.reportJson}, ${written.conformanceYaml}`);
  if (report.verdict === 'pass') return 0;
  if (report.verdict === 'fail') return 1;
  return { code: 2, error: report.error ?? 'the run could not reach a verdict' };
});

/**
 * Everything before the features run: the preflight, the clean-up of what the run will make, the
 * boot with the proxy asked for, and the cluster's setup. Returns the run's final config, or the
 * exit 2 of a cluster that could not be set up.
 */
async function prepare(asked: RunConfig, manifests: ProxyManifests | undefined, api: ApiProxies, { log, cleanup, signal }: CliContext): Promise<{ config: RunConfig; startedAt: string; state: ClusterState } | CliFailure> {
  let config = asked;
  const createsCluster = await preflight(config, manifests, api, log);
  const cluster = config.cluster;
  if (createsCluster && !config.keep && cluster.kind === 'kind') {
    // tearDownRun deletes it once the setup has recorded it; this covers the moments before.
    cleanup.push(`delete kind cluster "${cluster.name}" if still there`, () => deleteKindClusterIfThere(cluster, log));
  }
  // A proxy installed into a cluster attached to (--reuse; bootWithProxy says so through onApply)
  // goes once the run's own objects have gone.
  let installed: { kubectl: Kubectl; manifests: ProxyManifests } | undefined;
  if (manifests && !config.keep) {
    cleanup.push(`remove the proxy installed from ${manifests.source}`, async () => {
      if (installed) await removeProxy(installed.kubectl, installed.manifests, log);
    }, { quiet: true });
  }
  mkdirSync(config.reportDir, { recursive: true });
  const startedAt = new Date().toISOString();
  rmSync(path.join(config.reportDir, REPORT_FILES.report), { force: true });
  rmSync(path.join(config.reportDir, 'cluster.json'), { force: true });
  // The one teardown of a run, on every exit path. Registered last, so it runs before the cluster goes.
  cleanup.push('traffic client containers, lab namespace or cluster of this run, if still there', async () => {
    await tearDownRun(config, log);
  });
  const guard = RunGuard.for(config, log);
  // Registered after the teardown, so it runs first: no renewal races the Lease's deletion.
  if (guard) cleanup.push("stop renewing the run's Lease", async () => guard.stop(), { quiet: true });

  try {
    if (manifests) config = (await bootWithProxy(config, manifests, log, signal, (kubectl, applied) => (installed = { kubectl, manifests: applied }))).run;
    return { config, startedAt, state: await setUpCluster(config, log, signal, api, guard) };
  } catch (error) {
    // No verdict without a cluster: exit 2, never the proxy's failure (1).
    if (signal.aborted || error instanceof UsageError) throw error;
    return { code: 2, error: `the cluster could not be set up: ${errorMessage(error)}` };
  }
}

/**
 * Every check that can fail before anything is made: bad input exits 2 and leaves nothing behind.
 * Returns true when the run will boot a kind cluster of its own.
 */
async function preflight(config: RunConfig, manifests: ProxyManifests | undefined, api: ApiProxies, log: Logger): Promise<boolean> {
  if (config.cluster.kind === 'kind') {
    // The shape is known from the options alone: a too small --requests fails before anything runs.
    checkRequestsForRun(config.requestsPerNode, config.features, { nodes: countNodes(validateKindOptions(config.cluster)), endpoints: config.replicas });
    await assertDockerReachable(log);
    if (manifests) await assertImagesLocal(manifests);
  }
  const tools = await resolveTools(config.cluster, log);
  const provider = providerFor(config.cluster, tools, log);
  if (config.cluster.kind === 'kind') {
    await provider.preflight?.();
    const creates = (await nodeContainers(config.cluster.name)).length === 0;
    if (manifests && !creates) assertProxyInstallable(config.cluster, manifests);
    return creates;
  }
  const kubectl = await api.attach(new Kubectl(tools.kubectl ?? (await resolveKubectl(log)).path, config.cluster.kubeconfig));
  await kubectl.assertReachable();
  const nodes = await kubectl.json<{ items: unknown[] }>(['get', 'nodes']);
  checkRequestsForRun(config.requestsPerNode, config.features, { nodes: nodes.items.length, endpoints: config.replicas });
  if (config.addressType) {
    const { unaddressed } = (await JqRunner.load()).nodeAddresses(nodes, config.addressType);
    if (unaddressed.length > 0) {
      throw new UsageError(
        `--address-type ${config.addressType}: ${unaddressed.length} of ${nodes.items.length} nodes have no such address (${unaddressed.map((n) => n.name).join(', ')})`,
        `drop --address-type, or pass the type every node has (kubectl get nodes -o wide)`,
      );
    }
  }
  const expected = config.cluster.expectedProxyMode;
  if (expected) {
    const { mode: actual } = await detectProxyModeOf(kubectl);
    if (actual !== expected) {
      throw new UsageError(`the cluster runs proxy mode "${actual}", not "${expected}"`, 'drop --proxy-mode, or point --kubeconfig at a cluster running that mode');
    }
  }
  // Another run's live Lease stops this one; what a killed run left goes.
  await settleEarlierRuns(kubectl, { namespace: config.namespace, namespaces: runNamespaces(config) }, log);
  // The lab's namespace and each feature's own: one that holds someone else's objects is refused before anything is made.
  for (const namespace of runNamespaces(config)) await claimNamespace(kubectl, namespace, { dryRun: true });
  if (config.client === 'container') await assertDockerReachable(log);
  return false;
}

/** --proxy-manifest into a kind cluster that exists (--reuse; the provider refuses it without): only a proxy that is not the pod network, since kind's CNI runs there. */
function assertProxyInstallable(cluster: Extract<RunConfig['cluster'], { kind: 'kind' }>, manifests: ProxyManifests): void {
  const cni = podNetworkDaemonSets(manifests);
  if (cni.length > 0) {
    throw new UsageError(
      `${manifests.source} is the pod network too (DaemonSet ${cni.map((d) => `${d.namespace}/${d.name}`).join(', ')} mounts ${CNI_CONFIG_DIR}), and "${cluster.name}" runs kind's`,
      'drop --reuse and pick a --name that is free: certify then boots a cluster without a pod network for it',
    );
  }
}
