import { yaml } from '../util/yaml.js';
import { REAPER_NAME, RUN_LEASE } from './reaper-names.js';

/** One RBAC rule, as a Role or ClusterRole holds it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/**
 * What certify does outside its own namespaces: reads only. Nodes: their addresses, readiness and
 * zones; DaemonSets in every namespace: which proxy runs (the implementation survey); Services in
 * every namespace: the external and load-balancer IPs they hold, which ExternalIPs and
 * LoadBalancerIP must not take; the namespaces it works in, by name (that they exist and are
 * labelled as its own).
 */
function clusterRules(namespaces: readonly string[]): PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] },
    { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['list'] },
    { apiGroups: [''], resources: ['services'], verbs: ['list'] },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get'], resourceNames: [...namespaces] },
  ];
}

/** kube-proxy's own configuration, for the mode it runs in (kube-system's ConfigMap "kube-proxy"). */
const PROXY_CONFIG_RULES: PolicyRule[] = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['kube-proxy'] }];

/**
 * What certify does inside each of its namespaces: makes the app (a Deployment), its Services and
 * the client pods (a DaemonSet); scales and restarts the app (EndpointChurn, NoEndpoints, UDP), and
 * labels and annotates the pod TerminatingEndpoints makes terminating; runs requests from inside
 * its pods (`kubectl exec`: `get` for the WebSocket upgrade, `create` for SPDY); writes a
 * LoadBalancer Service's status as its controller would (LoadBalancerIP, whose Services carry the
 * harness's own class); watches EndpointSlices and pods; takes and renews the run's Lease and
 * starts the pod that reaps the run if certify is killed; and at the end deletes what it made.
 */
export const LAB_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['services/status'], verbs: ['get', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
  { apiGroups: [''], resources: ['events'], verbs: ['list'] },
  { apiGroups: ['apps'], resources: ['deployments', 'daemonsets'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
];

/**
 * What the reaper may do in one namespace of a run, once the run's Lease has gone unrenewed: read
 * the Lease and the namespace, then delete the namespace (one certify made, `owns: 'namespace'`)
 * or, in one an admin made for it, what the run put there (`owns: 'objects'`). A Role may name
 * its own namespace: the API server checks a request on /namespaces/<ns> in namespace <ns>.
 */
export function reaperRules(namespace: string, owns: 'namespace' | 'objects'): PolicyRule[] {
  const self: PolicyRule = { apiGroups: [''], resources: ['namespaces'], verbs: owns === 'namespace' ? ['get', 'delete'] : ['get'], resourceNames: [namespace] };
  const lease: PolicyRule = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'delete'], resourceNames: [RUN_LEASE] };
  if (owns === 'namespace') return [self, lease];
  return [
    self,
    lease,
    { apiGroups: [''], resources: ['services', 'pods'], verbs: ['list', 'delete'] },
    { apiGroups: ['apps'], resources: ['deployments', 'daemonsets'], verbs: ['list', 'delete'] },
  ];
}

/** The reaper's Role and RoleBinding in one namespace of a run, and its ServiceAccount in the lab's. */
export function reaperAccess(namespace: string, labNamespace: string, owns: 'namespace' | 'objects', labels: Readonly<Record<string, string>>): object[] {
  const rbac = 'rbac.authorization.k8s.io/v1';
  const metadata = { name: REAPER_NAME, namespace, labels };
  return [
    ...(namespace === labNamespace ? [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata }] : []),
    { apiVersion: rbac, kind: 'Role', metadata, rules: reaperRules(namespace, owns) },
    {
      apiVersion: rbac,
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: REAPER_NAME },
      subjects: [{ kind: 'ServiceAccount', name: REAPER_NAME, namespace: labNamespace }],
    },
  ];
}

export const RBAC_NAME = 'kube-proxy-conformance';
/** The ClusterRole of what the lab does in its namespaces, bound in each of them. */
export const LAB_ROLE = `${RBAC_NAME}:lab`;

export interface RbacPlan {
  /** Every namespace a run works in: the lab's first, then the features' own. */
  namespaces: readonly string[];
  managedByLabel: Readonly<Record<string, string>>;
  /** On each namespace: what tells a run to delete what it made there. */
  namespaceAnnotations: Record<string, string>;
}

/**
 * The objects that let a ServiceAccount run certify and nothing more: its namespaces, made ahead
 * (labelled as the harness's own, so certify uses them and never needs to create or delete a
 * namespace), the ServiceAccount in the lab's namespace, a ClusterRole of reads, a Role for
 * kube-proxy's ConfigMap, and the lab's rules bound in each of its namespaces alone.
 */
export function rbacObjects(plan: RbacPlan): object[] {
  const [lab, ...rest] = plan.namespaces;
  if (lab === undefined) throw new Error('rbacObjects: no namespace');
  const name = `${RBAC_NAME}:${lab}`;
  const subject = { kind: 'ServiceAccount', name: RBAC_NAME, namespace: lab };
  const meta = (extra: object = {}) => ({ name, labels: plan.managedByLabel, ...extra });
  const rbac = 'rbac.authorization.k8s.io/v1';
  return [
    ...[lab, ...rest].map((namespace) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: plan.managedByLabel, annotations: plan.namespaceAnnotations } })),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: RBAC_NAME, namespace: lab, labels: plan.managedByLabel } },
    { apiVersion: rbac, kind: 'ClusterRole', metadata: meta(), rules: clusterRules(plan.namespaces) },
    { apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: meta(), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [subject] },
    { apiVersion: rbac, kind: 'Role', metadata: meta({ namespace: 'kube-system' }), rules: PROXY_CONFIG_RULES },
    { apiVersion: rbac, kind: 'RoleBinding', metadata: meta({ namespace: 'kube-system' }), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [subject] },
    { apiVersion: rbac, kind: 'ClusterRole', metadata: { name: LAB_ROLE, labels: plan.managedByLabel }, rules: LAB_RULES },
    ...plan.namespaces.map((namespace) => ({
      apiVersion: rbac,
      kind: 'RoleBinding',
      metadata: meta({ namespace }),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: LAB_ROLE },
      subjects: [subject],
    })),
    ...plan.namespaces.flatMap((namespace) => reaperAccess(namespace, lab, 'objects', plan.managedByLabel)),
  ];
}

/** The objects as YAML documents, for `kubectl apply -f -`. */
export function renderRbac(plan: RbacPlan, header: string): string {
  const comment = header
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
  return `${comment}\n${rbacObjects(plan).map((o) => `---\n${yaml().stringify(o)}`).join('')}`;
}
