import path from 'node:path';
import { defineConfig, type Project } from '@playwright/test';
import type { RunOptions } from './specs/support/fixtures.js';
import { runConfigFromEnv, type RunConfig } from './harness/run/run-config.js';
import { DEFAULT_REQUESTS_PER_NODE } from './harness/stats/defaults.js';
import { DEFAULT_CONCURRENCY } from './harness/traffic/traffic-plan.js';

/**
 * Projects: "unit" (pure logic, no cluster), then per cluster profile a chain
 * setup -> lab (the NodePort lab, step by step) -> teardown. `npm test` runs the profiles
 * nftables and iptables; `npm run certify` runs one profile, "certify", described by KPC_RUN_CONFIG.
 */
const certify = runConfigFromEnv();

/** One client per profile; specs/cluster/certify-cli.spec.ts certifies again with the other. */
function testProfile(proxyMode: 'nftables' | 'iptables', client: 'host' | 'container'): RunConfig {
  const name = `kpc-test-${proxyMode}`;
  return {
    profile: proxyMode,
    // Fixed: the runner and every worker load this file, and they must agree on it.
    runId: `test-${proxyMode}`,
    cluster: { kind: 'kind', name, proxyMode, configFile: 'kind-config.yaml', kubeconfig: path.resolve('.kube', `${name}.kubeconfig`) },
    keep: process.env.KPC_KEEP === '1',
    client,
    namespace: 'kpc-lab',
    requestsPerNode: DEFAULT_REQUESTS_PER_NODE,
    concurrency: DEFAULT_CONCURRENCY,
    reportDir: path.resolve('reports', `test-${proxyMode}`),
  };
}

function clusterProjects(run: RunConfig, labDirs: string[], after?: string): Project<RunOptions>[] {
  const id = run.profile;
  return [
    { name: `${id}:setup`, testDir: 'specs', testMatch: 'cluster.setup.ts', use: { run }, teardown: `${id}:teardown`, dependencies: after ? [after] : [] },
    // Every folder needs only the cluster, so one failing folder does not skip the others.
    ...labDirs.map((dir) => ({ name: `${id}:${path.basename(dir)}`, testDir: dir, use: { run }, dependencies: [`${id}:setup`] })),
    { name: `${id}:teardown`, testDir: 'specs', testMatch: 'cluster.teardown.ts', use: { run } },
  ];
}

const projects: Project<RunOptions>[] = certify
  ? clusterProjects(certify, ['specs/lab'])
  : [
      { name: 'unit', testDir: 'specs/unit' },
      { name: 'cli', testDir: 'specs/cli' },
      // certify --proxy-manifest: each test boots (and deletes) a kind cluster of its own.
      { name: 'byo-proxy', testDir: 'specs/byo-proxy' },
      ...clusterProjects(testProfile('nftables', 'host'), ['specs/lab', 'specs/cluster', 'specs/faults', 'specs/lifecycle']),
      ...clusterProjects(testProfile('iptables', 'container'), ['specs/lab', 'specs/cluster', 'specs/faults']),
    ];

export default defineConfig<RunOptions>({
  timeout: 10 * 60_000,
  workers: 1,
  outputDir: certify ? path.join(certify.reportDir, 'test-results') : 'test-results',
  reporter: certify
    ? [['list'], ['html', { outputFolder: path.join(certify.reportDir, 'html'), open: 'never' }]]
    : [['list'], ['junit', { outputFile: 'test-results/junit.xml' }]],
  projects,
});
