import type { Kubectl } from '../kube/kubectl.js';
import { RUN_LEASE } from '../kube/reaper-names.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { clearLabObjects, deleteNamespace, namespaceMeta } from './namespace-guard.js';
import { MANAGED_BY, MANAGED_BY_LABEL, REAPED_WITH } from './ownership.js';
import { reapingOf } from './reaper.js';
import { leaseStanding, type RunLeaseObject } from './run-lease.js';

interface NamespaceList {
  items: { metadata: { name: string; deletionTimestamp?: string; annotations?: Record<string, string> } }[];
}

/**
 * Before a run on a cluster certify did not boot: a live Lease in its lab namespace is another
 * run's, and the run stops (exit 2); an expired one is a killed run's, whose namespaces go now, as
 * its reaper would have deleted them (in case it never ran). Where the user may list namespaces,
 * so do those of killed runs under other --namespace names.
 */
export async function settleEarlierRuns(kubectl: Kubectl, run: { namespace: string; namespaces: readonly string[] }, log: Logger, now = Date.now()): Promise<void> {
  const listed = await ownNamespaces(kubectl);
  // A lab namespace being deleted is an ended run's: its Lease goes with it (the claim waits for that).
  const lab = await namespaceMeta(kubectl, run.namespace);
  const lease = lab && !lab.deletionTimestamp ? await kubectl.jsonIfAny<RunLeaseObject>(['get', 'lease', RUN_LEASE], { namespace: run.namespace }) : undefined;
  if (lease) {
    const standing = leaseStanding(lease, now);
    if (standing.live) {
      throw new UsageError(
        `namespace "${run.namespace}" is in use by another certify run (run ${standing.holder}: its Lease was renewed ${standing.renewedAgoS} s ago)`,
        `pass another --namespace, or wait for that run to end (a killed run's namespaces go ${lease.spec?.leaseDurationSeconds ?? '?'} s after its last renewal)`,
      );
    }
    log.step(`namespace ${run.namespace}: run ${standing.holder} stopped renewing its Lease ${standing.renewedAgoS} s ago (expiry ${standing.expirySeconds} s): removing what it left`);
    // This run's namespaces, and those of the killed run's features that this run does not have.
    const itsOwn = listed?.items.filter((n) => n.metadata.annotations?.[REAPED_WITH] === run.namespace).map((n) => n.metadata.name) ?? [];
    await removeLeftovers(kubectl, [...new Set([...run.namespaces, ...itsOwn])], run.namespace, log);
    // In a namespace kept by an earlier --keep run, only the stale Lease goes.
    await kubectl.run(['delete', 'lease', RUN_LEASE, '--ignore-not-found'], { namespace: run.namespace });
  }
  if (listed) await removeOtherExpiredRuns(kubectl, listed, run.namespace, now, log);
}

/** The namespaces labelled as the harness's, or undefined where the user may not list namespaces (least privilege reads its own by name). */
async function ownNamespaces(kubectl: Kubectl): Promise<NamespaceList | undefined> {
  try {
    return await kubectl.json<NamespaceList>(['get', 'namespaces', '-l', `${MANAGED_BY_LABEL}=${MANAGED_BY}`]);
  } catch (error) {
    if (error instanceof UsageError) return undefined;
    throw error;
  }
}

async function removeLeftovers(kubectl: Kubectl, namespaces: readonly string[], labNamespace: string, log: Logger): Promise<void> {
  for (const namespace of namespaces) {
    const metadata = await namespaceMeta(kubectl, namespace);
    const reaping = reapingOf(metadata && { metadata }, labNamespace);
    if (reaping === 'delete') {
      log.step(`deleting namespace ${namespace}, left by a killed run`);
      await deleteNamespace(kubectl, namespace);
    } else if (reaping === 'clear') {
      log.step(`deleting the objects a killed run left in namespace ${namespace}`);
      await clearLabObjects(kubectl, namespace);
    }
  }
}

/** The namespaces of other lab namespaces' runs whose Lease expired, or whose lab namespace is gone. */
async function removeOtherExpiredRuns(kubectl: Kubectl, list: NamespaceList, labNamespace: string, now: number, log: Logger): Promise<void> {
  const existing = new Set(list.items.map((n) => n.metadata.name));
  const runs = new Map<string, string[]>();
  for (const { metadata } of list.items) {
    const lab = metadata.annotations?.[REAPED_WITH];
    if (!lab || lab === labNamespace || metadata.deletionTimestamp) continue;
    runs.set(lab, [...(runs.get(lab) ?? []), metadata.name]);
  }
  for (const [lab, namespaces] of runs) {
    const lease = existing.has(lab) ? await kubectl.jsonIfAny<RunLeaseObject>(['get', 'lease', RUN_LEASE], { namespace: lab }) : undefined;
    // A lab namespace without its Lease is one being made (the Lease comes with it) or being deleted: not settled here.
    const expired = lease ? !leaseStanding(lease, now).live : !existing.has(lab);
    if (!expired) continue;
    log.step(`deleting ${namespaces.join(', ')}: left by a killed run whose lab namespace ${lab} ${lease ? 'has an expired Lease' : 'is gone'}`);
    for (const namespace of namespaces) await deleteNamespace(kubectl, namespace);
  }
}
