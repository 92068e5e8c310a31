/** The resources the harness reads, by every name it passes to `kubectl get`. */
const RESOURCES: Record<string, { group: string; plural: string; namespaced: boolean }> = {};
for (const [names, group, plural, namespaced] of [
  [['node', 'nodes'], '/api/v1', 'nodes', false],
  [['namespace', 'namespaces'], '/api/v1', 'namespaces', false],
  [['pod', 'pods'], '/api/v1', 'pods', true],
  [['service', 'services', 'svc'], '/api/v1', 'services', true],
  [['configmap', 'configmaps'], '/api/v1', 'configmaps', true],
  [['endpointslice', 'endpointslices'], '/apis/discovery.k8s.io/v1', 'endpointslices', true],
  [['deployment', 'deployments'], '/apis/apps/v1', 'deployments', true],
  [['daemonset', 'daemonsets'], '/apis/apps/v1', 'daemonsets', true],
] as const) {
  for (const name of names) RESOURCES[name] = { group, plural, namespaced };
}

export interface GetRequest {
  path: string;
  query: Record<string, string>;
  /** A list (no name given): kubectl names each item's kind, which the API leaves out. */
  list: boolean;
  managedFields: boolean;
}

/**
 * The API request behind `kubectl get <resource> [name] [-l selector] [--namespace ns]
 * [--show-managed-fields] [--all-namespaces]`, for the resources above; null for anything else (it runs as kubectl).
 * A namespaced resource without a namespace is left to kubectl too: only it knows the context's.
 */
export function getRequest(args: readonly string[], namespace: string | undefined): GetRequest | null {
  if (args[0] !== 'get') return null;
  const positional: string[] = [];
  const query: Record<string, string> = {};
  let ns = namespace;
  let managedFields = false;
  let allNamespaces = false;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-l' || arg === '--selector') query.labelSelector = args[++i] ?? '';
    else if (arg === '--namespace' || arg === '-n') ns = args[++i];
    else if (arg === '--show-managed-fields') managedFields = true;
    else if (arg === '--all-namespaces' || arg === '-A') allNamespaces = true;
    else if (arg.startsWith('-')) return null;
    else positional.push(arg);
  }
  const [resource, name, ...rest] = positional;
  const kind = resource === undefined ? undefined : RESOURCES[resource];
  if (!kind || rest.length > 0 || (name !== undefined && (query.labelSelector !== undefined || allNamespaces))) return null;
  if (kind.namespaced && !ns && !allNamespaces) return null;
  const base = kind.namespaced && !allNamespaces ? `${kind.group}/namespaces/${encodeURIComponent(ns!)}/${kind.plural}` : `${kind.group}/${kind.plural}`;
  return { path: name === undefined ? base : `${base}/${encodeURIComponent(name)}`, query, list: name === undefined, managedFields };
}

interface ApiObject {
  kind?: string;
  apiVersion?: string;
  metadata?: { managedFields?: unknown };
  items?: ApiObject[];
}

/** Shapes an API answer as `kubectl get -o json` prints it: list items carry their kind, managed fields only when asked. */
export function asKubectlPrints<T>(answer: unknown, request: GetRequest): T {
  const object = answer as ApiObject;
  const strip = (o: ApiObject) => {
    if (!request.managedFields && o.metadata) delete o.metadata.managedFields;
  };
  if (request.list && object.items) {
    const itemKind = object.kind?.replace(/List$/, '');
    for (const item of object.items) {
      item.kind ??= itemKind;
      item.apiVersion ??= object.apiVersion;
      strip(item);
    }
  } else strip(object);
  return object as T;
}
