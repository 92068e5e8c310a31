import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { parse } from 'yaml';
import { readKindConfig, renderKindConfig, ZONE_LABEL } from '../../harness/cluster/kind-config.js';
import { assertModeRunsHere, parseProxyMode } from '../../harness/cluster/proxy-mode.js';
import { planZones } from '../../harness/cluster/zone-labels.js';
import { UsageError } from '../../harness/util/errors.js';
import { specScratch } from '../support/scratch.js';

const dir = specScratch('unit-kind-config');
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

test('the repository kind config: one control plane and two workers', () => {
  const rendered = parse(renderKindConfig(readKindConfig('kind-config.yaml'), { proxyMode: 'iptables' }));
  expect(rendered.networking.kubeProxyMode).toBe('iptables');
  expect(rendered.nodes.map((n: { role: string }) => n.role)).toEqual(['control-plane', 'worker', 'worker']);
});

test("a proxy that is the pod network: kind's default CNI off, the user's other networking kept", () => {
  const file = write('net.yaml', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking: {podSubnet: 10.9.0.0/16}\nnodes:\n- role: control-plane\n');
  const own = parse(renderKindConfig(readKindConfig(file), { proxyMode: 'none', podNetwork: 'proxy' }));
  expect(own.networking).toEqual({ podSubnet: '10.9.0.0/16', kubeProxyMode: 'none', disableDefaultCNI: true });
  const kinds = parse(renderKindConfig(readKindConfig(file), { proxyMode: 'none', podNetwork: 'kind' }));
  expect(kinds.networking.disableDefaultCNI).toBeUndefined();
});

test('--workers sets the worker count and keeps the user settings of the first worker', () => {
  const file = write('c.yaml', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n  labels: {tier: a}\n');
  const rendered = parse(renderKindConfig(readKindConfig(file), { proxyMode: 'nftables', workers: 3 }));
  expect(rendered.nodes).toHaveLength(4);
  expect(rendered.nodes[3]).toEqual({ role: 'worker', labels: { tier: 'a' } });
});

test('nodes without zones get two: the control plane and the first half of the workers in zone-a, the rest in zone-b', () => {
  const zones = (workers: number) => {
    const nodes = [{ name: 'k-control-plane', controlPlane: true }, ...Array.from({ length: workers }, (_, i) => ({ name: `k-worker${i === 0 ? '' : i + 1}`, controlPlane: false }))];
    // Shuffled: the plan follows kind's numbering, not the order the API lists the nodes in.
    const plan = planZones([...nodes].reverse());
    return nodes.map((n) => `${n.name.slice(2)}:${plan.get(n.name)}`);
  };
  expect(zones(2)).toEqual(['control-plane:zone-a', 'worker:zone-a', 'worker2:zone-b']);
  expect(zones(3)).toEqual(['control-plane:zone-a', 'worker:zone-a', 'worker2:zone-b', 'worker3:zone-b']);
  expect(zones(4)).toEqual(['control-plane:zone-a', 'worker:zone-a', 'worker2:zone-a', 'worker3:zone-b', 'worker4:zone-b']);
  // One worker: one zone with workers, so the zone feature is skipped there, as it must be.
  expect(zones(1)).toEqual(['control-plane:zone-a', 'worker:zone-b']);
  // worker10 comes after worker9, as kind numbers them.
  expect(zones(10).slice(5, 7)).toEqual(['worker5:zone-a', 'worker6:zone-b']);
  expect(zones(10)[10]).toBe('worker10:zone-b');
});

test('the rendered kind config labels no zones: they are set once the nodes run (zone-labels.ts)', () => {
  const rendered = parse(renderKindConfig(readKindConfig('kind-config.yaml'), { proxyMode: 'nftables', workers: 3 }));
  expect(rendered.nodes.every((n: { labels?: Record<string, string> }) => n.labels?.[ZONE_LABEL] === undefined)).toBe(true);
});

test('a config that gives any node a zone keeps its own topology', () => {
  const file = write('zoned.yaml', `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n  labels: {${ZONE_LABEL}: east}\n- role: worker\n`);
  const rendered = parse(renderKindConfig(readKindConfig(file), { proxyMode: 'nftables' }));
  expect(rendered.nodes).toEqual([{ role: 'control-plane' }, { role: 'worker', labels: { [ZONE_LABEL]: 'east' } }, { role: 'worker' }]);
});

test('configs that are not kind Cluster configs are refused with a fix', () => {
  expect(() => readKindConfig(write('x.yaml', 'kind: Pod\napiVersion: v1\n'))).toThrow(/not a kind Cluster config: pass a file with kind: Cluster/);
  expect(() => readKindConfig(write('y.yaml', 'kind: [\n'))).toThrow(/not valid YAML/);
  expect(() => readKindConfig(path.join(dir, 'none.yaml'))).toThrow(/cannot read kind config .*ENOENT/);
  const noControlPlane = readKindConfig(write('z.yaml', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: worker\n'));
  expect(() => renderKindConfig(noControlPlane, { proxyMode: 'iptables' })).toThrow(UsageError);
});

test('proxy modes: the four kind knows, and ipvs only where the kernel has IP_VS', () => {
  expect(parseProxyMode('nftables')).toBe('nftables');
  expect(() => parseProxyMode('userspace')).toThrow(/unknown proxy mode "userspace"/);
  expect(() => assertModeRunsHere('ipvs', false)).toThrow(/lacks/);
  expect(() => assertModeRunsHere('ipvs', true)).not.toThrow();
  expect(() => assertModeRunsHere('iptables', false)).not.toThrow();
});

test.describe('how many nodes the host holds', () => {
  test('MemAvailable, less the reserve, over the memory per node', async () => {
    const { availableMemoryMib, maxNodes, assertHostHolds, MEMORY_PER_NODE_MIB, MEMORY_RESERVE_MIB } = await import('../../harness/cluster/host-capacity.js');
    expect(availableMemoryMib('MemTotal: 24000000 kB\nMemAvailable:   20971520 kB\n')).toBe(20480);
    expect(maxNodes(MEMORY_RESERVE_MIB + 3 * MEMORY_PER_NODE_MIB)).toBe(3);
    expect(maxNodes(MEMORY_RESERVE_MIB - 1)).toBe(0);
    expect(() => assertHostHolds(4, MEMORY_RESERVE_MIB + 3 * MEMORY_PER_NODE_MIB)).toThrow(/holds at most 3 nodes now: pass --workers 2 or fewer/);
    expect(() => assertHostHolds(3, MEMORY_RESERVE_MIB + 3 * MEMORY_PER_NODE_MIB)).not.toThrow();
  });
});
