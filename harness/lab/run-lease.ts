import type { Kubectl } from '../kube/kubectl.js';
import { RUN_LEASE } from '../kube/reaper-names.js';
import { CommandError, UsageError } from '../util/errors.js';

/** The run's Lease as the API server keeps it (coordination.k8s.io/v1), the fields read here. */
export interface RunLeaseObject {
  metadata?: { creationTimestamp?: string };
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}

/**
 * A MicroTime as the API server takes it (RFC 3339 with six fractional digits); Date has
 * milliseconds, so three zeros are added.
 */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * How much the clock of the host that renewed a Lease may differ from this one's before a live
 * run's Lease could look expired: NTP keeps hosts within a second; half a minute is wide room.
 */
export const CLOCK_SKEW_MS = 30_000;

export type LeaseStanding = { live: true; holder: string; renewedAgoS: number } | { live: false; holder: string; renewedAgoS: number; expirySeconds: number };

/** Whether a run still renews its Lease, judged by this host's clock with CLOCK_SKEW_MS of room. */
export function leaseStanding(lease: RunLeaseObject, now: number): LeaseStanding {
  const expirySeconds = lease.spec?.leaseDurationSeconds ?? 0;
  const renewed = Date.parse(lease.spec?.renewTime ?? lease.metadata?.creationTimestamp ?? '');
  const renewedAgoS = Number.isFinite(renewed) ? Math.round((now - renewed) / 1000) : Number.POSITIVE_INFINITY;
  const holder = lease.spec?.holderIdentity ?? 'unknown';
  const live = Number.isFinite(renewed) && now - renewed <= expirySeconds * 1000 + CLOCK_SKEW_MS;
  return live ? { live, holder, renewedAgoS } : { live, holder, renewedAgoS, expirySeconds };
}

export function runLeaseObject(namespace: string, runId: string, expirySeconds: number, labels: Record<string, string>, now = new Date()): object {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: RUN_LEASE, namespace, labels },
    spec: { holderIdentity: runId, leaseDurationSeconds: expirySeconds, acquireTime: microTime(now), renewTime: microTime(now) },
  };
}

/**
 * Takes the run's Lease: created, never replaced, so that two runs cannot both hold one namespace.
 * A Lease already there is another run's (the preflight removed an expired one).
 */
export async function takeRunLease(kubectl: Kubectl, lease: object, namespace: string): Promise<void> {
  try {
    await kubectl.run(['create', '-f', '-'], { input: JSON.stringify(lease) });
  } catch (error) {
    if (error instanceof CommandError && /AlreadyExists|already exists/.test(error.stderr)) {
      throw new UsageError(`namespace "${namespace}" was taken by another certify run just now`, 'wait for that run to end, or pass another --namespace');
    }
    throw error;
  }
}

/** Sets the Lease's renewTime to now: the run is alive. */
export async function renewRunLease(kubectl: Kubectl, namespace: string, now = new Date()): Promise<void> {
  await kubectl.run(['patch', 'lease', RUN_LEASE, '--type', 'merge', '-p', JSON.stringify({ spec: { renewTime: microTime(now) } })], { namespace });
}

/** The run that holds the Lease in `namespace`, or undefined when there is none. */
export async function leaseHolder(kubectl: Kubectl, namespace: string): Promise<string | undefined> {
  const lease = await kubectl.jsonIfAny<RunLeaseObject>(['get', 'lease', RUN_LEASE], { namespace });
  return lease && (lease.spec?.holderIdentity ?? 'unknown');
}
