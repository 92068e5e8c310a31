import { test, expect } from '@playwright/test';
import { VIRTUAL_IP_BLOCK, virtualIps } from '../../harness/traffic/virtual-ips.js';

test('virtual IPs come from the top of the subnet, one block per feature', () => {
  expect(virtualIps('172.18.0.0/16', ['172.18.0.1', '172.18.0.2'], 0, 3)).toEqual(['172.18.255.254', '172.18.255.253', '172.18.255.252']);
  expect(virtualIps('172.18.0.0/16', [], 1, 2)).toEqual([`172.18.255.${254 - VIRTUAL_IP_BLOCK}`, `172.18.255.${253 - VIRTUAL_IP_BLOCK}`]);
  expect(virtualIps('10.5.7.0/24', [], 0, 1)).toEqual(['10.5.7.254']);
});

test('blocks never overlap', () => {
  const a = virtualIps('172.18.0.0/16', [], 0, VIRTUAL_IP_BLOCK);
  const b = virtualIps('172.18.0.0/16', [], 1, VIRTUAL_IP_BLOCK);
  expect(a.filter((ip) => b.includes(ip))).toEqual([]);
});

test('an address a container or another Service holds is passed over, never shared', () => {
  expect(virtualIps('172.18.0.0/16', ['172.18.255.253'], 0, 3)).toEqual(['172.18.255.254', '172.18.255.252', '172.18.255.251']);
});

test('a block with too few free addresses, or a subnet too small for it, is refused', () => {
  const held = virtualIps('172.18.0.0/16', [], 0, VIRTUAL_IP_BLOCK).slice(1);
  expect(() => virtualIps('172.18.0.0/16', held, 0, 2)).toThrow(/only 1 of its 32 are free/);
  expect(() => virtualIps('10.5.7.0/28', [], 1, 3)).toThrow(/too small/);
  expect(() => virtualIps('172.18.0.0/16', [], 0, VIRTUAL_IP_BLOCK + 1)).toThrow(/only 32/);
});
