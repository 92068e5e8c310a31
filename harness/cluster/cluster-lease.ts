import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../tools/versions.js';
import { writeAtomically } from '../util/write-atomically.js';

/**
 * A lease says: this process is booting or using this kind cluster, and will delete it. It is
 * taken before `kind create` and given up when the cluster is deleted or handed to the user
 * (`cluster up`, --keep). A lease whose process has ended (SIGKILL, a lost VM, a restarted
 * machine) marks a cluster nobody will delete: the next run of that name deletes it and goes on.
 * A cluster without a lease is the user's, and is never deleted unasked.
 */
export interface ClusterLease {
  cluster: string;
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat): a reused pid has another. */
  startTicks: string | null;
  /** The kernel's boot id: after a restart, no process of the lease's is alive whatever its pid. */
  bootId: string | null;
  since: string;
  /** The kind config the holder rendered for `kind create`, which it removes when kind is done; the next run removes it if the holder was killed first. */
  renderedConfig?: string;
}

const leaseFile = (cluster: string) => path.join(cacheDir(), 'cluster-leases', `${cluster}.json`);

export function takeLease(cluster: string, holder: number, renderedConfig?: string): void {
  const lease: ClusterLease = { cluster, pid: holder, startTicks: startTicksOf(holder), bootId: bootId(), since: new Date().toISOString(), renderedConfig };
  writeAtomically(leaseFile(cluster), JSON.stringify(lease, null, 2));
}

export function releaseLease(cluster: string): void {
  rmSync(leaseFile(cluster), { force: true });
}

/** The cluster's lease, or null when it has none (or an unreadable one, which counts as none). */
export function readLease(cluster: string): ClusterLease | null {
  try {
    const lease = JSON.parse(readFileSync(leaseFile(cluster), 'utf8')) as ClusterLease;
    return lease.cluster === cluster && Number.isInteger(lease.pid) ? lease : null;
  } catch {
    return null;
  }
}

/** True while the process that took the lease runs. */
export function leaseHolderAlive(lease: ClusterLease): boolean {
  const now = bootId();
  if (lease.bootId && now && lease.bootId !== now) return false;
  if (!processExists(lease.pid)) return false;
  const start = startTicksOf(lease.pid);
  return lease.startTicks === null || start === null || start === lease.startTicks;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, and belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat; the fields are counted after the command name, which may hold spaces. */
function startTicksOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
