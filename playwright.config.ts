import path from 'node:path';
import { defineConfig, type Project } from '@playwright/test';
import type { RunOptions } from './specs/support/fixtures.js';
import type { RunConfig } from './harness/run/run-config.js';
import { runEpoch } from './harness/util/log.js';
import { EACH_MODE, OTHER_MODE } from './specs/support/tags.js';
import { testRuns } from './specs/support/test-runs.js';
import { CHROMIUM } from './specs/support/chromium.js';

/**
 * `npm test`: "unit", "browser" and "cli" (no cluster); "byo-proxy" (proxies installed into one
 * proxyless cluster in turn, and one cluster certify boots); "iptables:acceptance" (issue 7's acceptance tests and every feature, on an iptables
 * cluster its worker owns); then the nftables chain setup -> features, cluster, faults, lifecycle ->
 * teardown, on one shared cluster. certify runs its features in its own process
 * (harness/run/feature-suite.ts), not through Playwright.
 */
// Set once in the runner, inherited by every worker: progress lines share one clock.
runEpoch();

function clusterProjects(run: RunConfig, otherDirs: string[]): Project<RunOptions>[] {
  const id = run.name;
  const needsCluster = { use: { run }, dependencies: [`${id}:setup`] };
  return [
    { name: `${id}:setup`, testDir: 'specs', testMatch: 'cluster.setup.ts', use: { run }, teardown: `${id}:teardown` },
    // Every folder needs only the cluster, so one failing folder does not skip the others.
    ...['specs/features', ...otherDirs].map((dir) => ({ name: `${id}:${path.basename(dir)}`, testDir: dir, ...needsCluster })),
    { name: `${id}:teardown`, testDir: 'specs', testMatch: 'cluster.teardown.ts', use: { run } },
  ];
}

/**
 * In the mode the shared cluster does not run, on a cluster that the project's worker boots and
 * deletes: the tests tagged EACH_MODE (issue 7's acceptance: the refused --requests, the exclusion
 * at the minimum size, the dead node failed fast, the pod deleted during the traffic, --replicas
 * 8) and OTHER_MODE (`--profile all`, every feature). The other fault specs inject nft rules on a
 * node, the same in either mode: they run once, on the shared cluster.
 */
function acceptanceProject(run: RunConfig): Project<RunOptions> {
  return { name: `${run.name}:acceptance`, testDir: 'specs', testMatch: ['cluster/*.spec.ts', 'faults/*.spec.ts', 'modes/*.spec.ts'], grep: new RegExp(`${EACH_MODE}|${OTHER_MODE}`), use: { run, ownCluster: true } };
}

function sharedAndOtherMode(): Project<RunOptions>[] {
  const { shared, acceptance } = testRuns();
  return [
    // Before the shared cluster boots (phase one, in this order): its worker deletes its cluster
    // when the project ends, so two clusters never share the 2 cores.
    acceptanceProject(acceptance),
    ...clusterProjects(shared, ['specs/cluster', 'specs/faults', 'specs/lifecycle']),
  ];
}

const projects: Project<RunOptions>[] = [
  { name: 'unit', testDir: 'specs/unit' },
  // Pages in a real browser: Debian's chromium (.ci/run installs it).
  { name: 'browser', testDir: 'specs/browser' },
  { name: 'cli', testDir: 'specs/cli' },
  // The image builds in a new machine's order (Docker, and the runtime image .ci/run builds first).
  { name: 'images', testDir: 'specs/images' },
  // certify --proxy-manifest on kind clusters of its own, one at a time. It runs
  // before the nftables cluster is up (projects without dependencies come first), so two
  // clusters never share the 2 cores.
  { name: 'byo-proxy', testDir: 'specs/byo-proxy' },
  ...sharedAndOtherMode(),
];

export default defineConfig<RunOptions>({
  timeout: 10 * 60_000,
  globalTeardown: './specs/global-teardown.ts',
  use: { browserName: 'chromium', launchOptions: CHROMIUM },
  workers: 1,
  outputDir: 'test-results',
  reporter: [['list'], ['junit', { outputFile: 'test-results/junit.xml' }]],
  projects,
});
