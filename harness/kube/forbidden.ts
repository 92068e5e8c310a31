import { CommandError, UsageError } from '../util/errors.js';

/** What the API server refused, from its Forbidden message. */
export interface Refusal {
  user: string;
  verb: string;
  resource: string;
  group: string;
  /** "at the cluster scope", or "in the namespace "x"". */
  scope: string;
}

/**
 * The API server's RBAC refusal, as kubectl prints it and as the API's Status message says it:
 * `... is forbidden: User "u" cannot list resource "endpointslices" in API group
 * "discovery.k8s.io" in the namespace "kpc-lab"`. Null for any other error.
 */
export function refusalIn(stderr: string): Refusal | null {
  const match = /forbidden: User "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?\s*(at the cluster scope|in the namespace "[^"]*")?/.exec(stderr);
  if (!match) return null;
  return { user: match[1]!, verb: match[2]!, resource: match[3]!, group: match[4] ?? '', scope: match[5] ?? 'at the cluster scope' };
}

/**
 * A refused request is the kubeconfig's missing permission, never "not found" or a proxy fault:
 * one line naming the user, the verb and the resource (exit 2). Any other error is returned as is.
 */
export function asRefusal(error: unknown, kubeconfig: string): unknown {
  if (!(error instanceof CommandError)) return error;
  const refusal = refusalIn(error.stderr);
  if (!refusal) return error;
  const resource = refusal.group ? `${refusal.resource}.${refusal.group}` : refusal.resource;
  return new UsageError(
    `the user of ${kubeconfig} (${refusal.user}) may not ${refusal.verb} ${resource} ${refusal.scope}`,
    "grant it that (`certify --print-rbac` prints every role certify needs), or pass a --kubeconfig whose user may",
  );
}
