import type { Kubectl } from '../kube/kubectl.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { notYet, waitFor } from '../util/wait.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'kube-proxy-conformance';
/**
 * On a namespace an admin made from `certify --print-rbac`: each run deletes what it made there
 * (certify may not delete the namespace). Other namespaces a run finds are left as they are.
 */
export const CLEARED_AFTER_EACH_RUN = 'kube-proxy-conformance/cleared-after-each-run';

/** Objects every namespace gets from Kubernetes itself; they do not make a namespace "someone else's". */
const BUILT_IN = new Set(['configmap/kube-root-ca.crt', 'serviceaccount/default']);

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
export async function claimNamespace(kubectl: Kubectl, namespace: string, options: { dryRun?: boolean; log?: Logger; beforeCreate?: () => void } = {}): Promise<NamespaceClaim> {
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
      const manifest = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } } };
      await kubectl.run(['create', '-f', '-'], { input: JSON.stringify(manifest) });
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
