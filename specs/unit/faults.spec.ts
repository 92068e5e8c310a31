import { test, expect } from '@playwright/test';
import { describeFault, faultScript, featureFaultTable, namesItsTraffic } from '../../harness/faults/proxy-fault.js';
import { FEATURES } from '../../harness/features/registry.js';
import { nftFault, type FaultContext } from '../../harness/faults/feature-fault.js';

const endpoints = [
  { pod: 'hw-a', ip: '10.244.1.2', node: 'w1' },
  { pod: 'hw-b', ip: '10.244.2.3', node: 'w2' },
  { pod: 'hw-c', ip: '10.244.2.4', node: 'w2' },
];

test('no-forwarding refuses NodePort connections ahead of kube-proxy', () => {
  const script = faultScript({ kind: 'no-forwarding' }, 8080);
  expect(script).toContain('priority dstnat - 10');
  expect(script).toContain('tcp dport 30000-32767 reject with tcp reset');
});

test('drop silently drops NodePort connections ahead of kube-proxy', () => {
  const script = faultScript({ kind: 'drop' }, 8080);
  expect(script).toContain('priority dstnat - 10');
  expect(script).toContain('tcp dport 30000-32767 drop');
});

test('exclude-endpoint spreads over every endpoint but the excluded one', () => {
  const script = faultScript({ kind: 'exclude-endpoint', excluded: endpoints[0]!, endpoints }, 8080);
  expect(script).toContain('numgen random mod 2 map { 0 : 10.244.2.3, 1 : 10.244.2.4 } : 8080');
  expect(script).not.toContain('10.244.1.2');
  expect(script).toContain('masquerade');
});

test('skew repeats an endpoint by its weight', () => {
  const script = faultScript({ kind: 'skew', weights: endpoints.map((endpoint, i) => ({ endpoint, weight: i === 0 ? 2 : 1 })) }, 8080);
  expect(script).toContain('numgen random mod 4 map { 0 : 10.244.1.2, 1 : 10.244.1.2, 2 : 10.244.2.3, 3 : 10.244.2.4 }');
});

test('a fault that leaves no endpoint is refused', () => {
  expect(() => faultScript({ kind: 'exclude-endpoint', excluded: endpoints[0]!, endpoints: [endpoints[0]!] }, 8080)).toThrow(/at least one endpoint/);
});

test('masquerade marks matching connections before the DNAT of kube-proxy and masquerades them on the way out, picking no endpoint', () => {
  const script = faultScript({ kind: 'masquerade' }, 8080);
  const [, marking = '', leaving = ''] = /chain tag \{([^}]*)\}\s*chain leave \{([^}]*)\}/.exec(script) ?? [];
  expect(marking).toContain('type filter hook prerouting priority dstnat - 10');
  expect(marking).toContain('fib daddr type local tcp dport 30000-32767 ct mark set 0x6b7063');
  expect(leaving).toContain('type nat hook postrouting priority srcnat - 10');
  expect(leaving).toContain('ct mark 0x6b7063 masquerade');
  expect(script).not.toContain('dnat');
  const one = faultScript({ kind: 'masquerade', matches: [{ kind: 'address', address: '10.96.0.10', port: 8080 }] }, 8080);
  expect(one).toContain('ip daddr 10.96.0.10 tcp dport 8080 ct mark set');
  expect(one).not.toContain('30000-32767');
  expect(describeFault({ kind: 'masquerade' })).toBe("masquerades every NodePort: the endpoints see the node's address, not the client's");
});

test('several faults go into one table, each with its own matches, one masquerade for all', () => {
  const script = faultScript(
    endpoints.slice(1).map((pod) => ({ kind: 'exclude-endpoint' as const, excluded: pod, endpoints, matches: [{ kind: 'address' as const, address: '10.96.0.7', port: 8080, from: pod.ip }] })),
    8080,
  );
  expect(script.match(/^table /gm)).toHaveLength(1);
  expect(script).toContain('ip saddr 10.244.2.3 ip daddr 10.96.0.7 tcp dport 8080 ct mark set 0x6b7063 dnat to numgen random mod 2 map { 0 : 10.244.1.2, 1 : 10.244.2.4 }');
  expect(script).toContain('ip saddr 10.244.2.4 ip daddr 10.96.0.7 tcp dport 8080 ct mark set 0x6b7063 dnat to numgen random mod 2 map { 0 : 10.244.1.2, 1 : 10.244.2.3 }');
  expect(script.match(/masquerade/g)).toHaveLength(1);
  expect(faultScript([{ kind: 'drop' }], 8080)).toBe(faultScript({ kind: 'drop' }, 8080));
});

test('a fault on one NodePort sends it to another container port, and leaves the node\'s other NodePorts alone', () => {
  const fault = { kind: 'skew' as const, weights: endpoints.map((endpoint) => ({ endpoint, weight: 1 })), matches: [{ kind: 'node-port' as const, port: 31234 }] };
  const script = faultScript(fault, 8080);
  expect(script).toContain('fib daddr type local tcp dport 31234 ct mark set 0x6b7063 dnat to numgen random mod 3 map { 0 : 10.244.1.2, 1 : 10.244.2.3, 2 : 10.244.2.4 } : 8080');
  expect(script).not.toContain('30000-32767');
  expect(describeFault(fault)).toBe('sends NodePort 31234 with weights hw-a=1, hw-b=1, hw-c=1');
});

test('an ip6 fault is a table of the ip6 family, matching IPv6 addresses', () => {
  const script = faultScript({ kind: 'no-forwarding', matches: [{ kind: 'address', address: 'fc00:f853:ccd:e793::3', port: 30080 }] }, 8080, 'ip6');
  expect(script).toMatch(/^table ip6 kpc_fault \{/);
  expect(script).toContain('ip6 daddr fc00:f853:ccd:e793::3 tcp dport 30080 reject with tcp reset');
  expect(script).not.toMatch(/\bip daddr/);
});

test('a UDP fault on a ClusterIP matches its UDP port, and says so', () => {
  const fault = { kind: 'skew' as const, weights: [{ endpoint: endpoints[0]!, weight: 1 }], matches: [{ kind: 'address' as const, address: '10.96.0.20', port: 53, protocol: 'udp' as const }] };
  expect(faultScript(fault, 8080)).toContain('ip daddr 10.96.0.20 udp dport 53 ct mark set 0x6b7063 dnat to numgen random mod 1 map { 0 : 10.244.1.2 } : 8080');
  expect(describeFault(fault)).toBe('sends UDP to 10.96.0.20:53 with weights hw-a=1');
});

test("each feature's fault has a table of its own, so that several stand on one node", () => {
  const tables = FEATURES.map((f) => featureFaultTable(f.slug));
  expect(new Set(tables).size).toBe(FEATURES.length);
  for (const table of tables) expect(table).toMatch(/^kpc_fault_[a-z0-9_]+$/);
  expect(faultScript({ kind: 'drop', matches: [{ kind: 'node-port', port: 31000 }] }, 8080, 'ip', featureFaultTable('multi-port'))).toMatch(/^table ip kpc_fault_multi_port \{/);
});

test('a fault names its traffic only when every match is an address or one NodePort', () => {
  expect(namesItsTraffic({ kind: 'drop' })).toBe(false);
  expect(namesItsTraffic({ kind: 'drop', matches: [{ kind: 'node-ports' }] })).toBe(false);
  expect(namesItsTraffic({ kind: 'drop', matches: [{ kind: 'node-port', port: 31000 }, { kind: 'node-ports' }] })).toBe(false);
  expect(namesItsTraffic({ kind: 'masquerade', matches: [{ kind: 'node-port', port: 31000 }, { kind: 'address', address: '10.96.0.1', port: 80 }] })).toBe(true);
});

test('a fault not marked exclusive that takes every NodePort is refused before anything is made on the node', async () => {
  // No kubectl or node is reached: the refusal comes before the injector runs.
  const ctx = { victim: 'no-such-node', table: 'kpc_fault_x' } as FaultContext;
  const everyNodePort = nftFault('drops every NodePort', async () => ({ kind: 'drop' }), async () => []);
  await expect(everyNodePort.inject(ctx)).rejects.toThrow(/takes every NodePort of no-such-node: it must name its Services' addresses and ports, or be exclusive/);
  const oneOfSeveral = nftFault('drops two ways', async () => [{ kind: 'drop', matches: [{ kind: 'node-port', port: 31000 }] }, { kind: 'drop', matches: [{ kind: 'node-ports' }] }], async () => []);
  await expect(oneOfSeveral.inject(ctx)).rejects.toThrow(/takes every NodePort/);
});
