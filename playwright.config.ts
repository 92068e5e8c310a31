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
 * Projects: "unit" (pure logic, no cluster), then per cluster profile a chain
 * setup -> lab (the NodePort lab, step by step) -> teardown. `npm test` runs the profiles
 * nftables and iptables; `npm run certify` runs one profile, "certify", described by KPC_RUN_CONFIG.
 */
const certify = runConfigFromEnv();
// Set once in the runner, inherited by every worker: progress lines share one clock.
runEpoch();

/** One client per profile; specs/cluster/certify-cli.spec.ts certifies again with the other. */
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
    cluster: { kind: 'kind', name, proxyMode, configFile: DEFAULT_KIND_CONFIG, kubeconfig: path.resolve('.kube', `${name}.kubeconfig`) },
    keep: process.env.KPC_KEEP === '1',
    client,
    namespace: 'kpc-lab',
    replicas: DEFAULT_REPLICAS,
    requestsPerNode: null,
    concurrency: DEFAULT_CONCURRENCY,
    reportDir: path.resolve('reports', `test-${proxyMode}`),
  };
}

/** A folder of cluster specs, with the files this profile leaves out (run on the other profile only, to keep CI's time). */
type SpecDir = string | { dir: string; skip: string[] };

function clusterProjects(run: RunConfig, otherDirs: SpecDir[], after?: string): Project<RunOptions>[] {
  const id = run.name;
  const needsCluster = { use: { run }, dependencies: [`${id}:setup`] };
  return [
    { name: `${id}:setup`, testDir: 'specs', testMatch: 'cluster.setup.ts', use: { run }, teardown: `${id}:teardown`, dependencies: after ? [after] : [] },
    // One spec file per feature; the run's features only, in the registry's order.
    { name: `${id}:features`, testDir: 'specs/features', testMatch: run.features.map((f) => `${featureById(f).slug}.spec.ts`), ...needsCluster },
    // Every folder needs only the cluster, so one failing folder does not skip the others.
    ...otherDirs.map((spec) => {
      const { dir, skip } = typeof spec === 'string' ? { dir: spec, skip: [] } : spec;
      return { name: `${id}:${path.basename(dir)}`, testDir: dir, testIgnore: skip, ...needsCluster };
    }),
    { name: `${id}:teardown`, testDir: 'specs', testMatch: 'cluster.teardown.ts', use: { run } },
  ];
}

const projects: Project<RunOptions>[] = certify
  ? clusterProjects(certify, [])
  : [
      { name: 'unit', testDir: 'specs/unit' },
      // Pages in a real browser: Debian's chromium (.ci/run installs it).
      { name: 'browser', testDir: 'specs/browser' },
      { name: 'cli', testDir: 'specs/cli' },
      // certify --proxy-manifest: each test boots (and deletes) a kind cluster of its own.
      { name: 'byo-proxy', testDir: 'specs/byo-proxy' },
      ...clusterProjects(testProfile('nftables', 'host'), ['specs/cluster', 'specs/faults', 'specs/lifecycle']),
      // The iptables profile repeats what depends on the proxy mode; every feature's fault and the
      // installed CLI run on the nftables profile only.
      ...clusterProjects(testProfile('iptables', 'container'), [
        { dir: 'specs/cluster', skip: ['installed-cli.spec.ts'] },
        { dir: 'specs/faults', skip: ['features.spec.ts'] },
      ]),
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
