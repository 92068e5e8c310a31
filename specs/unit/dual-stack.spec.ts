// Whether a cluster can test DualStack: the IP families of its nodes' InternalIPs.
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { dualStack } from '../../harness/features/dual-stack/index.js';
import type { ClusterFacts } from '../../harness/features/feature.js';
import { internalIpFamilies } from '../../harness/run/cluster-survey.js';
import { renderKindConfig, readKindConfig, DEFAULT_KIND_CONFIG } from '../../harness/cluster/kind-config.js';
import { yaml } from '../../harness/util/yaml.js';

const nodes = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Parameters<typeof internalIpFamilies>[0];
const facts = (ipFamilies: ClusterFacts['ipFamilies']): ClusterFacts => ({ provider: 'kind', nodes: [], replicas: 3, onThisHost: true, ipFamilies });

test('a kind cluster is IPv4 only; one booted with --ip-family dual has both families; IPv6-only nodes have IPv6', () => {
  expect(internalIpFamilies(nodes('nodes-kind.json'))).toEqual(['IPv4']);
  expect(internalIpFamilies(nodes('nodes-kind-dual-stack.json'))).toEqual(['IPv4', 'IPv6']);
  // Two nodes of this one lack an IPv6 address.
  expect(internalIpFamilies(nodes('nodes-dual-stack.json'))).toEqual(['IPv4']);
  expect(internalIpFamilies(nodes('nodes-ipv6-only.json'))).toEqual(['IPv6']);
  expect(internalIpFamilies({ items: [] })).toEqual([]);
});

test('a family only some nodes have is not the cluster\'s', () => {
  const mixed = { items: [
    { metadata: { name: 'a' }, status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'InternalIP', address: 'fc00::2' }] } },
    { metadata: { name: 'b' }, status: { addresses: [{ type: 'InternalIP', address: '172.18.0.3' }] } },
  ] };
  expect(internalIpFamilies(mixed)).toEqual(['IPv4']);
});

test('DualStack is skipped, with the reason and the fix, unless the nodes have both families', () => {
  expect(dualStack.untestable(facts(['IPv4', 'IPv6']))).toBeNull();
  expect(dualStack.untestable(facts(['IPv4']))).toBe('the cluster is not dual-stack: its nodes have IPv4 InternalIPs only (boot one with --ip-family dual)');
  expect(dualStack.untestable(facts([]))).toMatch(/no InternalIP/);
});

test('--ip-family dual sets kind\'s networking.ipFamily; unset, the config\'s own stays', () => {
  const config = readKindConfig(DEFAULT_KIND_CONFIG);
  const dual = yaml().parse(renderKindConfig(config, { proxyMode: 'nftables', ipFamily: 'dual' })) as { networking: Record<string, unknown> };
  expect(dual.networking).toMatchObject({ ipFamily: 'dual', kubeProxyMode: 'nftables' });
  const asIs = yaml().parse(renderKindConfig({ ...config, networking: { ipFamily: 'dual' } }, { proxyMode: 'iptables' })) as { networking: Record<string, unknown> };
  expect(asIs.networking).toMatchObject({ ipFamily: 'dual', kubeProxyMode: 'iptables' });
  const plain = yaml().parse(renderKindConfig(config, { proxyMode: 'nftables' })) as { networking: Record<string, unknown> };
  expect(plain.networking.ipFamily).toBeUndefined();
});
