import type { Kubectl } from '../kube/kubectl.js';
import { reaperAccess } from '../kube/rbac.js';
import { MANAGED_BY, MANAGED_BY_LABEL, OWN_LABELS, REAPED_WITH } from './ownership.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { notYet, waitFor } from '../util/wait.js';

/** What the features make in a namespace: the app, the client pods, the Services; and the run's Lease. */
const LAB_KINDS = 'deployments.apps,daemonsets.apps,services,leases.coordination.k8s.io';

/** Objects every namespace gets from Kubernetes itself; they do not make a namespace "someone else's". */
const BUILT_IN = new Set(['configmap/kube-root-ca.crt', 'serviceaccount/default']);

export interface ClaimOptions {
  dryRun?: boolean;
  log?: Logger;
  beforeCreate?: () => void;
  /** The lab namespace of a run guarded by a reaper: a namespace made now gets the reaper's Role, bound to its ServiceAccount there. */
  reapedFrom?: string;
  /** Made in the same request as the namespace, after it (the run's Lease). */
  withObjects?: readonly object[];
}

export interface NamespaceClaim {
  namespace: string;
  /** True when this run created it, so this run may delete it. */
  created: boolean;
}

/**
 * Takes a namespace for the lab: creates it (labelled as ours), reuses one we labelled before, or
 * refuses one that holds someone else's objects. Never touches a namespace it does not own.
 * `beforeCreate` runs just before it creates one, so a caller can record that it will own it.
 */
export async function claimNamespace(kubectl: Kubectl, namespace: string, options: ClaimOptions = {}): Promise<NamespaceClaim> {
  let meta = await namespaceMeta(kubectl, namespace);
  const ours = meta?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;
  if (meta?.deletionTimestamp && ours) {
    // The teardown deletes without waiting, so a run right after another finds it terminating.
    if (options.dryRun) return { namespace, created: true };
    options.log?.step(`waiting for namespace ${namespace}, left terminating by an earlier run, to be gone`);
    await waitFor(async () => ((await namespaceMeta(kubectl, namespace)) ? notYet('still terminating') : true), {
      what: `namespace "${namespace}", left terminating by an earlier run, to be gone`,
      timeoutMs: NAMESPACE_GONE_TIMEOUT_MS,
    });
    meta = undefined;
  }
  if (!meta) {
    if (!options.dryRun) {
      // Created with its label in one request: a Ctrl-C between a create and a label would leave
      // a namespace the clean-up cannot tell is ours.
      options.beforeCreate?.();
      await kubectl.run(['create', '-f', '-'], { input: JSON.stringify(newNamespace(namespace, options)) });
    }
    return { namespace, created: true };
  }
  if (ours) return { namespace, created: false };
  const foreign = await foreignObjects(kubectl, namespace);
  if (foreign.length > 0) {
    throw new UsageError(
      `namespace "${namespace}" holds objects this harness did not make (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`,
      'pass --namespace with a new or empty namespace',
    );
  }
  return { namespace, created: false };
}

/**
 * A namespace labelled as ours, and, for a run guarded by a reaper, what lets the reaper delete it,
 * as one List: no moment has one without the other.
 */
function newNamespace(namespace: string, { reapedFrom, withObjects = [] }: ClaimOptions): object {
  const object = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: OWN_LABELS, ...(reapedFrom ? { annotations: { [REAPED_WITH]: reapedFrom } } : {}) } };
  return { apiVersion: 'v1', kind: 'List', items: [object, ...(reapedFrom ? reaperAccess(namespace, reapedFrom, 'namespace', OWN_LABELS) : []), ...withObjects] };
}

/** Deletes a namespace without waiting; its pods need not drain their grace periods (up to 15 s), which a run right after would wait out. */
export async function deleteNamespace(kubectl: Kubectl, namespace: string): Promise<void> {
  await kubectl.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  await kubectl.run(['delete', 'pods', '--all', '--grace-period=1', '--ignore-not-found', '--wait=false'], { namespace });
}

/**
 * Deletes what runs made in a namespace an admin made for them (CLEARED_AFTER_EACH_RUN), which
 * stays: the Services (so no NodePort stays open), the app, the clients and the Lease, then the
 * pods without their grace periods.
 */
export async function clearLabObjects(kubectl: Kubectl, namespace: string): Promise<void> {
  await kubectl.run(['delete', LAB_KINDS, '--all', '--ignore-not-found', '--wait=false'], { namespace });
  await kubectl.run(['delete', 'pods', '--all', '--grace-period=1', '--ignore-not-found', '--wait=false'], { namespace });
}

/** Deleting the lab's namespace waits out its pods' grace period (10 s in the manifest); ample room. */
const NAMESPACE_GONE_TIMEOUT_MS = 120_000;

interface NamespaceMeta {
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export async function namespaceMeta(kubectl: Kubectl, namespace: string): Promise<NamespaceMeta | undefined> {
  const object = await kubectl.jsonIfAny<{ metadata?: NamespaceMeta }>(['get', 'namespace', namespace]);
  return object && (object.metadata ?? {});
}

async function foreignObjects(kubectl: Kubectl, namespace: string): Promise<string[]> {
  const { stdout } = await kubectl.run(['get', 'all,configmaps,secrets,serviceaccounts,ingresses,networkpolicies', '--namespace', namespace, '-o', 'name']);
  return stdout
    .split('\n')
    .map((line) => line.trim().replace(/^([a-z]+)(\.[a-z0-9.]+)?\//, '$1/'))
    .filter((name) => name && !BUILT_IN.has(name));
}
