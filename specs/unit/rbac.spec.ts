import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { printRbac } from '../../harness/cli/print-rbac.js';
import { CLEARED_AFTER_EACH_RUN } from '../../harness/lab/ownership.js';
import { PROFILES } from '../../harness/features/registry.js';
import type { PolicyRule } from '../../harness/kube/rbac.js';
import { runNamespaces } from '../../harness/run/run-namespaces.js';
import { REPO_ROOT } from '../../harness/util/repo-root.js';
import { yaml } from '../../harness/util/yaml.js';

interface RbacObject {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  rules?: PolicyRule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace: string }[];
}

const ALL = { namespace: 'kpc-lab', features: [...PROFILES.all], profile: 'all' };
const objects = (text: string) => yaml().parseAllDocuments(text).map((d) => d.toJS() as RbacObject).filter(Boolean);

test('docs/rbac.yaml is what certify --print-rbac --profile all prints (npm run docs:rbac writes it)', () => {
  expect(readFileSync(path.join(REPO_ROOT, 'docs/rbac.yaml'), 'utf8')).toBe(printRbac(ALL, ['--print-rbac', '--profile', 'all']));
});

test("every namespace of the run is made ahead and bound to the lab's rules, and no other namespace is", () => {
  const printed = objects(printRbac(ALL, []));
  const namespaces = runNamespaces(ALL);
  expect(namespaces).toHaveLength(1 + PROFILES.all.filter((id) => id !== 'NodePort').length);
  expect(printed.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(namespaces);
  // Marked so that each run deletes what it made in them (tear-down.ts): certify may not delete them.
  for (const ns of printed.filter((o) => o.kind === 'Namespace')) expect(ns.metadata.annotations?.[CLEARED_AFTER_EACH_RUN], ns.metadata.name).toBe('true');
  const labBindings = printed.filter((o) => o.kind === 'RoleBinding' && o.roleRef?.name === 'kube-proxy-conformance:lab');
  expect(labBindings.map((o) => o.metadata.namespace)).toEqual(namespaces);
  // The one ClusterRole bound cluster-wide reads namespaces by name: only the run's.
  const clusterRole = printed.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'kube-proxy-conformance:kpc-lab');
  expect(clusterRole?.rules?.find((r) => r.resources.includes('namespaces'))?.resourceNames).toEqual(namespaces);
});

test('no rule grants a wildcard, a write outside the lab, secrets, or a namespace create or delete', () => {
  const printed = objects(printRbac(ALL, []));
  const rules = printed.flatMap((o) => (o.rules ?? []).map((rule) => ({ role: o.metadata.name, rule })));
  for (const { role, rule } of rules) {
    expect([...rule.verbs, ...rule.resources, ...rule.apiGroups], role).not.toContain('*');
    expect(rule.resources, role).not.toContain('secrets');
    if (rule.resources.includes('namespaces')) expect(rule.verbs, role).toEqual(['get']);
  }
  const bound = (kind: string) => printed.filter((o) => o.kind === kind).map((o) => o.roleRef?.name);
  // Bound cluster-wide: reads only.
  for (const name of bound('ClusterRoleBinding')) {
    const role = printed.find((o) => o.kind === 'ClusterRole' && o.metadata.name === name)!;
    expect(role.rules!.flatMap((r) => r.verbs).filter((v) => !['get', 'list', 'watch'].includes(v)), name).toEqual([]);
  }
});

test('a custom feature list makes only its features\' namespaces', () => {
  const printed = objects(printRbac({ namespace: 'ci', features: ['NodePort', 'ClusterIP'], profile: 'custom' }, []));
  expect(printed.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['ci', 'ci-cluster-ip']);
});
