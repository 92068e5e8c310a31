import { test, expect } from '@playwright/test';
import type { Kubectl } from '../../harness/kube/kubectl.js';
import { RUN_LEASE } from '../../harness/kube/reaper-names.js';
import { settleEarlierRuns } from '../../harness/lab/earlier-runs.js';
import { CLEARED_AFTER_EACH_RUN, OWN_LABELS, REAPED_WITH } from '../../harness/lab/ownership.js';
import { microTime } from '../../harness/lab/run-lease.js';
import { UsageError } from '../../harness/util/errors.js';

const NOW = Date.parse('2026-12-06T22:00:00Z');
const lease = (agoS: number) => ({ spec: { holderIdentity: 'run-old', leaseDurationSeconds: 20, renewTime: microTime(new Date(NOW - agoS * 1000)) } });
const ns = (name: string, annotations: Record<string, string> = {}, deletionTimestamp?: string) => ({ metadata: { name, labels: { ...OWN_LABELS }, annotations, ...(deletionTimestamp ? { deletionTimestamp } : {}) } });

/** A cluster of namespaces and Leases, as settleEarlierRuns reads it through kubectl; the deletes it asks for are recorded. */
function fakeCluster(namespaces: ReturnType<typeof ns>[], leases: Record<string, object>, mayList = true) {
  const deleted: string[] = [];
  const kubectl = {
    async json(args: string[]) {
      if (!mayList) throw new UsageError('the user may not list namespaces', 'grant it');
      expect(args.slice(0, 2)).toEqual(['get', 'namespaces']);
      return { items: namespaces };
    },
    async jsonIfAny(args: string[], options: { namespace?: string } = {}) {
      if (args[1] === 'lease') return leases[options.namespace ?? ''];
      if (args[1] === 'namespace') return namespaces.find((n) => n.metadata.name === args[2]);
      throw new Error(`unexpected read ${args.join(' ')}`);
    },
    async run(args: string[], options: { namespace?: string } = {}) {
      if (args[0] === 'delete') deleted.push(`${args[1]} ${args[2] === '--all' ? '--all' : args[2]}${options.namespace ? ` in ${options.namespace}` : ''}`);
      return { stdout: '', stderr: '', exitCode: 0, signal: null };
    },
  } as unknown as Kubectl;
  return { kubectl, deleted };
}

const quiet = { step: () => {}, info: () => {}, warn: () => {} };
const run = { namespace: 'lab', namespaces: ['lab', 'lab-cluster-ip'] };

test("another run's live Lease stops the run, touching nothing", async () => {
  const { kubectl, deleted } = fakeCluster([ns('lab', { [REAPED_WITH]: 'lab' })], { lab: lease(10) });
  await expect(settleEarlierRuns(kubectl, run, quiet, NOW)).rejects.toThrow(/namespace "lab" is in use by another certify run \(run run-old: its Lease was renewed 10 s ago\)/);
  expect(deleted).toEqual([]);
});

test("the Lease in a lab namespace being deleted is an ended run's: no refusal, nothing deleted", async () => {
  const { kubectl, deleted } = fakeCluster([ns('lab', { [REAPED_WITH]: 'lab' }, '2026-12-06T21:59:58Z')], { lab: lease(2) });
  await settleEarlierRuns(kubectl, run, quiet, NOW);
  expect(deleted).toEqual([]);
});

test("a killed run's namespaces go: this run's, and its features' that this run does not have; then the stale Lease", async () => {
  const { kubectl, deleted } = fakeCluster(
    [ns('lab', { [REAPED_WITH]: 'lab' }), ns('lab-cluster-ip', { [REAPED_WITH]: 'lab' }), ns('lab-hairpin', { [REAPED_WITH]: 'lab' }), ns('kept')],
    { lab: lease(60) },
  );
  await settleEarlierRuns(kubectl, run, quiet, NOW);
  const namespacesDeleted = deleted.filter((d) => d.startsWith('namespace ')).map((d) => d.split(' ')[1]);
  expect(namespacesDeleted).toEqual(['lab', 'lab-cluster-ip', 'lab-hairpin']);
  expect(deleted).toContain(`lease ${RUN_LEASE} in lab`);
});

test('in namespaces an admin made, a killed run\'s objects go and the namespaces stay; without leave to list namespaces, only the run\'s own are settled', async () => {
  const cleared = { [CLEARED_AFTER_EACH_RUN]: 'true' };
  const { kubectl, deleted } = fakeCluster([ns('lab', cleared), ns('lab-cluster-ip', cleared)], { lab: lease(60) }, false);
  await settleEarlierRuns(kubectl, run, quiet, NOW);
  expect(deleted.filter((d) => d.startsWith('namespace '))).toEqual([]);
  expect(deleted.filter((d) => d.endsWith('--all in lab-cluster-ip'))).toHaveLength(2);
});

test("other lab namespaces' runs: expired or gone are deleted, live or without a Lease are left", async () => {
  const { kubectl, deleted } = fakeCluster(
    [
      ns('expired', { [REAPED_WITH]: 'expired' }),
      ns('expired-hairpin', { [REAPED_WITH]: 'expired' }),
      ns('orphan-hairpin', { [REAPED_WITH]: 'orphan' }),
      ns('live', { [REAPED_WITH]: 'live' }),
      ns('being-made', { [REAPED_WITH]: 'being-made' }),
    ],
    { expired: lease(60), live: lease(5) },
  );
  await settleEarlierRuns(kubectl, run, quiet, NOW);
  expect(deleted.filter((d) => d.startsWith('namespace ')).map((d) => d.split(' ')[1])).toEqual(['expired', 'expired-hairpin', 'orphan-hairpin']);
});
