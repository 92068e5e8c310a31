import { setTimeout as delay } from 'node:timers/promises';
import { RUN_LEASE } from '../kube/reaper-names.js';
import { CLEARED_AFTER_EACH_RUN, MANAGED_BY, MANAGED_BY_LABEL, REAPED_WITH } from './ownership.js';
import type { RunLeaseObject } from './run-lease.js';

/** What the reaper pod is told (its argv, as JSON): whose Lease to watch and which namespaces to reap. */
export interface ReaperPlan {
  /** The lab's namespace: the Lease and the reaper pod are there; it is reaped last. */
  labNamespace: string;
  /** Every namespace of the run, the lab's first. */
  namespaces: string[];
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** The API server as the reaper reaches it: in its pod, with its ServiceAccount's token. */
export interface ReaperApi {
  request(method: 'GET' | 'DELETE', path: string): Promise<ApiAnswer>;
}

/**
 * The reaper's reading of the run's Lease, by its own monotonic clock: the Lease has expired when
 * its renewTime has not changed for leaseDurationSeconds since the reaper saw it change (client-go's
 * leader election reads a Lease the same way), so the clocks of certify's host and of the node
 * need not agree.
 */
export class LeaseWatch {
  private renewTime: string | undefined;
  private changedAt: number;
  private expiryMs = Number.POSITIVE_INFINITY;

  constructor(startedAt: number) {
    this.changedAt = startedAt;
  }

  observe(lease: RunLeaseObject, at: number): void {
    const renewTime = lease.spec?.renewTime;
    if (renewTime !== this.renewTime) {
      this.renewTime = renewTime;
      this.changedAt = at;
    }
    this.expiryMs = (lease.spec?.leaseDurationSeconds ?? Number.POSITIVE_INFINITY) * 1000;
  }

  /** Until the Lease expires, unless renewed; Infinity before the Lease was read. */
  remainingMs(at: number): number {
    return Math.max(0, this.changedAt + this.expiryMs - at);
  }

  get pollMs(): number {
    return reaperPollMs(this.expiryMs);
  }
}

/**
 * How often the reaper reads the Lease: often enough to see a renewal within a sixth of the expiry
 * (so it reaps at most that late), at most every 10 s, at least every second.
 */
export function reaperPollMs(expiryMs: number): number {
  return Math.min(10_000, Math.max(1_000, expiryMs / 6));
}

const leasePath = (namespace: string) => `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${RUN_LEASE}`;

/**
 * Reads the Lease until the run releases it (deleted: the run ended and cleaned up) or lets it
 * expire (the run was killed). A read that fails (the API server unreachable, a 5xx) changes
 * nothing: the Lease counts as unrenewed, as it would be.
 */
export async function watchLease(api: ReaperApi, plan: ReaperPlan, log: (line: string) => void, now: () => number = () => performance.now()): Promise<'released' | 'expired'> {
  const watch = new LeaseWatch(now());
  for (;;) {
    const answer = await api.request('GET', leasePath(plan.labNamespace)).catch((error: unknown) => ({ status: 0, body: String(error) }));
    if (answer.status === 404) return 'released';
    if (answer.status === 200) watch.observe(answer.body as RunLeaseObject, now());
    else log(`reading the Lease ${plan.labNamespace}/${RUN_LEASE}: ${answer.status === 0 ? String(answer.body) : `HTTP ${answer.status}`}`);
    const left = watch.remainingMs(now());
    if (left === 0) return 'expired';
    await delay(Math.min(left, watch.pollMs));
  }
}

interface NamespaceObject {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string };
}

/** What one namespace gets from the reaper: deleted (certify made it), cleared (an admin did), or left (not the run's, or gone). */
export function reapingOf(namespace: NamespaceObject | undefined, labNamespace: string): 'delete' | 'clear' | 'leave' {
  const meta = namespace?.metadata;
  if (!meta || meta.deletionTimestamp || meta.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) return 'leave';
  if (meta.annotations?.[CLEARED_AFTER_EACH_RUN] === 'true') return 'clear';
  return meta.annotations?.[REAPED_WITH] === labNamespace ? 'delete' : 'leave';
}

/** The kinds a run makes in a namespace, Services first: they are what keeps NodePorts open. */
const CLEARED_KINDS = ['/api/v1/namespaces/{ns}/services', '/apis/apps/v1/namespaces/{ns}/deployments', '/apis/apps/v1/namespaces/{ns}/daemonsets'];

/**
 * Reaps a killed run: the features' namespaces first, the lab's (its own) last. A namespace
 * certify made is deleted whole; in one an admin made, the Services, Deployments, DaemonSets, the
 * Lease and the pods are, its own pod last. Logs what it did, one line per namespace.
 */
export async function reap(api: ReaperApi, plan: ReaperPlan, ownPod: string, log: (line: string) => void): Promise<void> {
  let labCleared = false;
  for (const namespace of [...plan.namespaces].reverse()) {
    const answer = await api.request('GET', `/api/v1/namespaces/${namespace}`);
    const reaping = answer.status === 200 ? reapingOf(answer.body as NamespaceObject, plan.labNamespace) : 'leave';
    if (reaping === 'delete') {
      await expectDeleted(api, `/api/v1/namespaces/${namespace}`);
      log(`deleted namespace ${namespace}`);
    } else if (reaping === 'clear') {
      const deleted = await clearNamespace(api, namespace, namespace === plan.labNamespace ? ownPod : undefined);
      labCleared ||= namespace === plan.labNamespace;
      log(`deleted ${deleted.length} objects in namespace ${namespace}${deleted.length ? `: ${deleted.join(', ')}` : ''}`);
    } else {
      log(`left namespace ${namespace} (${answer.status === 200 ? 'not made for this run' : `HTTP ${answer.status}`})`);
    }
  }
  // Last: its own pod, in a namespace that stays, so nothing of the run does.
  if (labCleared) await expectDeleted(api, `/api/v1/namespaces/${plan.labNamespace}/pods/${ownPod}?gracePeriodSeconds=0`);
}

/** Clears a namespace an admin made; in the lab's (`ownPod` given), the Lease goes too, and the reaper's own pod stays for now. */
async function clearNamespace(api: ReaperApi, namespace: string, ownPod: string | undefined): Promise<string[]> {
  const deleted: string[] = [];
  for (const collection of [...CLEARED_KINDS, '/api/v1/namespaces/{ns}/pods'].map((c) => c.replace('{ns}', namespace))) {
    const list = await api.request('GET', collection);
    if (list.status !== 200) throw new Error(`GET ${collection}: HTTP ${list.status}`);
    const names = ((list.body as { items?: { metadata: { name: string } }[] }).items ?? []).map((i) => i.metadata.name).filter((n) => n !== ownPod);
    for (const name of names) {
      await expectDeleted(api, `${collection}/${name}${collection.endsWith('/pods') ? '?gracePeriodSeconds=1' : ''}`);
      deleted.push(`${collection.split('/').pop()}/${name}`);
    }
  }
  if (ownPod !== undefined) await expectDeleted(api, leasePath(namespace));
  return deleted;
}

async function expectDeleted(api: ReaperApi, path: string): Promise<void> {
  const answer = await api.request('DELETE', path);
  if (answer.status >= 300 && answer.status !== 404) throw new Error(`DELETE ${path}: HTTP ${answer.status}`);
}

