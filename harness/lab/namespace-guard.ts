import type { Kubectl } from '../kube/kubectl.js';
import { UsageError } from '../util/errors.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'kube-proxy-conformance';

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
 */
export async function claimNamespace(kubectl: Kubectl, namespace: string, options: { dryRun?: boolean } = {}): Promise<NamespaceClaim> {
  const { exitCode, stdout } = await kubectl.run(['get', 'namespace', namespace, '-o', 'json'], { check: false });
  if (exitCode !== 0) {
    if (!options.dryRun) {
      await kubectl.run(['create', 'namespace', namespace]);
      await kubectl.run(['label', 'namespace', namespace, `${MANAGED_BY_LABEL}=${MANAGED_BY}`]);
    }
    return { namespace, created: true };
  }
  const labels = (JSON.parse(stdout) as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {};
  if (labels[MANAGED_BY_LABEL] === MANAGED_BY) return { namespace, created: false };
  const foreign = await foreignObjects(kubectl, namespace);
  if (foreign.length > 0) {
    throw new UsageError(
      `namespace "${namespace}" holds objects this harness did not make (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`,
      'pass --namespace with a new or empty namespace',
    );
  }
  return { namespace, created: false };
}

async function foreignObjects(kubectl: Kubectl, namespace: string): Promise<string[]> {
  const { stdout } = await kubectl.run(['get', 'all,configmaps,secrets,serviceaccounts,ingresses,networkpolicies', '--namespace', namespace, '-o', 'name']);
  return stdout
    .split('\n')
    .map((line) => line.trim().replace(/^([a-z]+)(\.[a-z0-9.]+)?\//, '$1/'))
    .filter((name) => name && !BUILT_IN.has(name));
}
