import { readdirSync } from 'node:fs';
import os from 'node:os';
import { test, expect } from '../support/fixtures.js';
import { startCli, runCli } from '../support/cli.js';
import { expectNothingLeft } from '../support/own-cluster.js';
import { nodeContainers } from '../../harness/cluster/docker.js';
import { renderedConfigPrefix } from '../../harness/cluster/rendered-config.js';
import { run } from '../../harness/util/exec.js';
import { waitFor, notYet } from '../../harness/util/wait.js';
import type { Kubectl } from '../../harness/kube/kubectl.js';
import { ROLE_LABEL } from '../../harness/traffic/client-labels.js';
import { namespaceMeta } from '../../harness/lab/namespace-guard.js';
import { scratchDir } from '../support/scratch.js';

async function volumes(): Promise<Set<string>> {
  return new Set((await run('docker', ['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean));
}

/** What a run with this process id left in the temporary directory (the kind config it rendered). */
function tempLeftBy(pid: number | undefined): string[] {
  expect(pid, 'the command was started').toBeDefined();
  return readdirSync(os.tmpdir()).filter((entry) => entry.startsWith(renderedConfigPrefix(pid!)));
}

async function trafficContainers(): Promise<string[]> {
  return (await run('docker', ['ps', '-aq', '--filter', `label=${ROLE_LABEL}=traffic-client`])).stdout.split('\n').filter(Boolean);
}

async function namespaceExists(kubectl: Kubectl, namespace: string): Promise<boolean> {
  return (await namespaceMeta(kubectl, namespace)) !== undefined;
}

const interruptions: { command: 'cluster-up' | 'certify'; name: string; args: string[] }[] = [
  { command: 'cluster-up', name: 'kpc-interrupt', args: ['--proxy-mode', 'iptables'] },
  { command: 'certify', name: 'kpc-interrupt-certify', args: [] },
];

test.describe('cluster lifecycle', () => {
  for (const { command, name, args } of interruptions) {
    test(`Ctrl-C while ${command} creates nodes leaves no containers, networks, volumes, kubeconfig, kubectl cache or rendered config`, async () => {
      // A run of this test that died half way may have left its cluster; start clean.
      expect((await runCli('cluster-down', ['--name', name])).code).toBe(0);
      const before = await volumes();
      const reports = command === 'certify' ? ['--report-dir', scratchDir('report')] : [];
      const up = startCli(command, ['--name', name, ...args, ...reports]);
      await waitFor(async () => ((await nodeContainers(name)).length > 0 ? true : notYet(up.output().split('\n').slice(-2).join(' '))), {
        what: `${command} to start creating node containers`,
        timeoutMs: 180_000,
        intervalMs: 250,
      });
      up.child.kill('SIGINT');
      const result = await up.done;
      expect(result.code, result.stderr.split('\n').slice(-3).join('\n')).toBe(130);
      await expectNothingLeft(name);
      expect(tempLeftBy(up.child.pid), 'the kind config the run rendered').toEqual([]);
      const added = [...(await volumes())].filter((v) => !before.has(v));
      expect(added, 'volumes created by the interrupted run').toEqual([]);
    });
  }

  test('SIGKILL while cluster-up creates nodes: the next run of that name deletes what it left, and goes on', async () => {
    const name = 'kpc-killed';
    expect((await runCli('cluster-down', ['--name', name])).code).toBe(0);
    const killed = startCli('cluster-up', ['--name', name, '--workers', '1']);
    await waitFor(async () => ((await nodeContainers(name)).length > 0 ? true : notYet(killed.output().split('\n').slice(-2).join(' '))), {
      what: 'cluster-up to start creating node containers',
      timeoutMs: 180_000,
      intervalMs: 250,
    });
    // No clean-up runs: the nodes (and the lease of a process that is gone) stay.
    killed.child.kill('SIGKILL');
    await killed.done;
    expect(await nodeContainers(name), 'what the killed run left').not.toEqual([]);
    try {
      const next = await runCli('cluster-up', ['--name', name, '--workers', '1']);
      expect(next.code, next.stderr.split('\n').slice(-3).join('\n')).toBe(0);
      expect(next.stderr).toMatch(new RegExp(`deleting kind cluster "${name}": the run that booted it \\(pid ${killed.child.pid}, .*\\) ended without deleting it`));
      expect(tempLeftBy(killed.child.pid), 'the kind config the killed run rendered').toEqual([]);
    } finally {
      expect((await runCli('cluster-down', ['--name', name])).code).toBe(0);
    }
    await expectNothingLeft(name);
  });

  // On an existing cluster the run makes a namespace and, with the container client, a container.
  const phases: { phase: string; begun: (ns: string, kubectl: Kubectl, output: string) => Promise<boolean> }[] = [
    { phase: 'deploys the lab', begun: (ns, kubectl) => namespaceExists(kubectl, ns) },
    { phase: 'sends traffic', begun: async (_ns, _kubectl, output) => output.includes('sending') && (await trafficContainers()).length > 0 },
  ];
  for (const [i, { phase, begun }] of phases.entries()) {
    test(`Ctrl-C while certify ${phase} leaves no traffic container and no lab namespace`, async ({ state, kubectl }) => {
      test.skip(!state.info.dockerNetwork, 'the container client needs the cluster on a Docker network');
      const namespace = `kpc-interrupt-${i}`;
      // Enough requests that the traffic phase outlasts the wait below by far.
      const certify = startCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', namespace, '--client', 'container', '--requests', '50000', '--report-dir', scratchDir('report')]);
      await waitFor(async () => ((await begun(namespace, kubectl, certify.output())) ? true : notYet(certify.output().split('\n').slice(-2).join(' '))), {
        what: `certify to reach the phase where it ${phase}`,
        timeoutMs: 120_000,
        intervalMs: 250,
      });
      certify.child.kill('SIGINT');
      const result = await certify.done;
      expect(result.code, result.stderr.split('\n').slice(-3).join('\n')).toBe(130);
      expect(await trafficContainers()).toEqual([]);
      await waitFor(async () => ((await namespaceExists(kubectl, namespace)) ? notYet(`namespace ${namespace} still there`) : true), {
        what: `namespace ${namespace} to be deleted`,
        timeoutMs: 120_000,
      });
    });
  }

  test('cluster:up refuses a name that is in use, and leaves that cluster alone', async ({ state }) => {
    test.skip(state.info.provider !== 'kind', 'needs a kind cluster');
    const result = await runCli('cluster-up', ['--name', state.info.name]);
    expect(result.code).toBe(2);
    // Booted by this run, it is leased to this run's runner; kept from an earlier run (KPC_KEEP=1), it is the user's.
    const refusal = state.created ? `the kind cluster "${state.info.name}" is in use by another run of this harness \\(pid ${process.ppid},` : `a kind cluster named "${state.info.name}" already exists .*--reuse`;
    expect(result.stderr.trim()).toMatch(new RegExp(`^error: ${refusal}`));
    expect((await run('docker', ['ps', '-q', '--filter', `label=io.x-k8s.kind.cluster=${state.info.name}`])).stdout.trim().split('\n')).toHaveLength(3);
  });
});
