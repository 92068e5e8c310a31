import path from 'node:path';
import { defineConfig, type Project } from '@playwright/test';
import type { RunOptions } from './specs/support/fixtures.js';
import { runConfigFromEnv, type RunConfig } from './harness/run/run-config.js';
import { DEFAULT_REPLICAS } from './harness/lab/helloworld-lab.js';
import { featureById, PROFILES } from './harness/features/registry.js';
import { DEFAULT_CONCURRENCY } from './harness/traffic/traffic-plan.js';
import { runEpoch } from './harness/util/log.js';
import { DEFAULT_KIND_CONFIG } from './harness/cluster/kind-config.js';

/**
 * `npm test`: "unit", "browser" and "cli" (no cluster); "byo-proxy" and "modes" (each test boots
 * a cluster of its own); then the nftables chain setup -> features, cluster, faults, lifecycle ->
 * teardown, on one shared cluster. `npm run certify` runs the features of one run, "certify",
 * described by KPC_RUN_CONFIG, on the cluster it has set up.
 */
const certify = runConfigFromEnv();
// Set once in the runner, inherited by every worker: progress lines share one clock.
runEpoch();

/** The cluster most specs share; specs/cluster/certify-cli.spec.ts certifies again with the other client. */
function testProfile(proxyMode: 'nftables' | 'iptables', client: 'host' | 'container'): RunConfig {
  const name = `kpc-test-${proxyMode}`;
  return {
    name: proxyMode,
    profile: 'all',
    features: [...PROFILES.all],
    featuresClaimed: false,
    implementation: {},
    // Fixed: the runner and every worker load this file, and they must agree on it.
    runId: `test-${proxyMode}`,
    // KPC_KEEP=1 keeps the cluster after the run and attaches to it in the next one.
    cluster: { kind: 'kind', name, proxyMode, configFile: DEFAULT_KIND_CONFIG, kubeconfig: path.resolve('.kube', `${name}.kubeconfig`), reuse: process.env.KPC_KEEP === '1' },
    keep: process.env.KPC_KEEP === '1',
    client,
    namespace: 'kpc-lab',
    replicas: DEFAULT_REPLICAS,
    requestsPerNode: null,
    concurrency: DEFAULT_CONCURRENCY,
    reportDir: path.resolve('reports', `test-${proxyMode}`),
  };
}

function sharedProxyMode(): 'nftables' | 'iptables' {
  const mode = process.env.KPC_TEST_PROXY_MODE ?? 'nftables';
  if (mode !== 'nftables' && mode !== 'iptables') {
    process.stderr.write(`error: KPC_TEST_PROXY_MODE=${mode} is not a proxy mode the shared cluster can run: set it to nftables or iptables, or unset it\n`);
    process.exit(2);
  }
  return mode;
}

/** One spec file per feature; the run's features only, in the registry's order. */
function featuresProject(run: RunConfig, dependencies: string[]): Project<RunOptions> {
  return { name: `${run.name}:features`, testDir: 'specs/features', testMatch: run.features.map((f) => `${featureById(f).slug}.spec.ts`), use: { run }, dependencies };
}

function clusterProjects(run: RunConfig, otherDirs: string[]): Project<RunOptions>[] {
  const id = run.name;
  const needsCluster = { use: { run }, dependencies: [`${id}:setup`] };
  return [
    { name: `${id}:setup`, testDir: 'specs', testMatch: 'cluster.setup.ts', use: { run }, teardown: `${id}:teardown` },
    featuresProject(run, [`${id}:setup`]),
    // Every folder needs only the cluster, so one failing folder does not skip the others.
    ...otherDirs.map((dir) => ({ name: `${id}:${path.basename(dir)}`, testDir: dir, ...needsCluster })),
    { name: `${id}:teardown`, testDir: 'specs', testMatch: 'cluster.teardown.ts', use: { run } },
  ];
}

// certify sets the cluster up and tears it down in its own process (one worker less to start).
const projects: Project<RunOptions>[] = certify
  ? [featuresProject(certify, [])]
  : [
      { name: 'unit', testDir: 'specs/unit' },
      // Pages in a real browser: Debian's chromium (.ci/run installs it).
      { name: 'browser', testDir: 'specs/browser' },
      { name: 'cli', testDir: 'specs/cli' },
      // Each test boots (and deletes) a kind cluster of its own: certify --proxy-manifest, and kind's
      // kube-proxy in iptables mode with every feature. They run before the nftables cluster is
      // up (projects without dependencies come first), so two clusters never share the 2 cores.
      { name: 'byo-proxy', testDir: 'specs/byo-proxy' },
      { name: 'modes', testDir: 'specs/modes' },
      // KPC_TEST_PROXY_MODE=iptables runs the same chain on an iptables cluster (CI runs nftables:
      // `npx playwright test --project 'iptables:*'` with it set runs the faults in the other mode).
      ...clusterProjects(testProfile(sharedProxyMode(), 'host'), ['specs/cluster', 'specs/faults', 'specs/lifecycle']),
    ];

/**
 * Debian's chromium, never a browser Playwright downloads (no such download here). As root it
 * needs --no-sandbox; the rest keeps it from reaching for the network at start.
 */
const CHROMIUM = {
  executablePath: process.env.KPC_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export default defineConfig<RunOptions>({
  timeout: 10 * 60_000,
  use: { browserName: 'chromium', launchOptions: CHROMIUM },
  workers: 1,
  outputDir: certify ? path.join(certify.reportDir, 'test-results') : 'test-results',
  reporter: certify
    ? [['list'], ['html', { outputFolder: path.join(certify.reportDir, 'html'), open: 'never' }]]
    : [['list'], ['junit', { outputFile: 'test-results/junit.xml' }]],
  projects,
});
