import path from 'node:path';
import type { RunConfig } from '../../harness/run/run-config.js';
import { DEFAULT_REPLICAS } from '../../harness/lab/helloworld-lab.js';
import { PROFILES } from '../../harness/features/registry.js';
import { DEFAULT_CONCURRENCY } from '../../harness/traffic/traffic-plan.js';
import { DEFAULT_KIND_CONFIG } from '../../harness/cluster/kind-config.js';

export type TestMode = 'nftables' | 'iptables';

/**
 * The clusters `npm test` boots itself: the one most specs share ('shared'), and the other mode's
 * that its acceptance project owns ('acceptance'). specs/cluster/certify-cli.spec.ts certifies
 * again with the other client. Both are dual-stack, so DualStack runs with every other feature (and
 * on the shared one with its fault).
 */
export function testRun(proxyMode: TestMode, purpose: 'shared' | 'acceptance'): RunConfig {
  const suffix = purpose === 'shared' ? '' : `-${purpose}`;
  const name = `kpc-test-${proxyMode}${suffix}`;
  return {
    name: proxyMode,
    profile: 'all',
    features: [...PROFILES.all],
    featuresClaimed: false,
    implementation: {},
    // Fixed: the runner and every worker load this, and they must agree on it.
    runId: `test-${proxyMode}${suffix}`,
    // KPC_KEEP=1 keeps the clusters after the run and attaches to them in the next one.
    cluster: { kind: 'kind', name, proxyMode, ipFamily: 'dual', configFile: DEFAULT_KIND_CONFIG, kubeconfig: path.resolve('.kube', `${name}.kubeconfig`), reuse: process.env.KPC_KEEP === '1', leaseHolder: playwrightRunner() },
    keep: process.env.KPC_KEEP === '1',
    client: 'host',
    namespace: 'kpc-lab',
    replicas: DEFAULT_REPLICAS,
    requestsPerNode: null,
    concurrency: DEFAULT_CONCURRENCY,
    reportDir: path.resolve('reports', `test-${proxyMode}${suffix}`),
  };
}

/**
 * The Playwright runner's pid, in the runner and in its workers: a worker that boots a cluster may
 * end long before the teardown deletes it, and the runner outlives both (and tears down last).
 */
function playwrightRunner(): number {
  return process.env.TEST_WORKER_INDEX === undefined ? process.pid : process.ppid;
}

/** KPC_TEST_PROXY_MODE=iptables runs the shared chain on an iptables cluster, and the acceptance project on nftables. */
export function testRuns(): { shared: RunConfig; acceptance: RunConfig } {
  const mode = process.env.KPC_TEST_PROXY_MODE ?? 'nftables';
  if (mode !== 'nftables' && mode !== 'iptables') {
    process.stderr.write(`error: KPC_TEST_PROXY_MODE=${mode} is not a proxy mode the shared cluster can run: set it to nftables or iptables, or unset it\n`);
    process.exit(2);
  }
  return { shared: testRun(mode, 'shared'), acceptance: testRun(mode === 'nftables' ? 'iptables' : 'nftables', 'acceptance') };
}
