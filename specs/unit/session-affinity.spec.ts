import { test, expect } from '@playwright/test';
import { affinityClients, requestsPerClient, spreadFalseAlarm } from '../../harness/features/session-affinity/sizing.js';
import { judgeAffinity } from '../../harness/features/session-affinity/stickiness.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';

const endpoints = [
  { pod: 'hw-a', ip: '10.244.1.2', node: 'w1' },
  { pod: 'hw-b', ip: '10.244.2.2', node: 'w2' },
  { pod: 'hw-c', ip: '10.244.3.2', node: 'w3' },
];

function answer(node: string, client: string, pod: string | null): RequestRecord {
  return { seq: 0, sentAt: 0, node, address: '172.18.0.2', port: 31000, clientPort: 40000, sourceAddress: client, seenSource: null, status: pod ? 200 : null, pod, podIP: null, backendNode: null, latencyMs: 2, error: pod ? null : 'ECONNREFUSED: refused' };
}

test.describe('SessionAffinityClientIP sizing', () => {
  test('clients: the smallest N with nodes * (1/k)^(N-1) within alpha', () => {
    expect(affinityClients(3, 3, 0.0005)).toBe(9);
    expect(affinityClients(3, 4, 0.0005)).toBe(10);
    expect(spreadFalseAlarm(3, 4, 10)).toBeLessThanOrEqual(0.0005);
    expect(spreadFalseAlarm(3, 4, 9)).toBeGreaterThan(0.0005);
    expect(affinityClients(2, 4, 0.001)).toBe(13);
    expect(() => affinityClients(1, 4, 0.001)).toThrow(/at least 2 endpoints/);
  });

  test('requests per client: no (client, node) row looks sticky by luck under a random pick, within alpha', () => {
    const r = requestsPerClient(3, 4, 10, 0.0005);
    expect(r).toBe(12);
    expect(40 * (1 / 3) ** (r - 1)).toBeLessThanOrEqual(0.0005);
    expect(40 * (1 / 3) ** (r - 2)).toBeGreaterThan(0.0005);
  });
});

test.describe('SessionAffinityClientIP checks', () => {
  const nodes = [{ node: 'n1', label: 'node n1' }, { node: 'n2', label: 'node n2' }];
  const clients = ['172.18.0.7', '172.18.0.8'];
  const judge = (records: RequestRecord[]) => judgeAffinity({ records, nodes, clients, endpoints, requestsPerClient: 2, idPrefix: 'session-affinity/' });

  test('sticky and spread through every node: every check passes, one table row per client and node', () => {
    const records = [answer('n1', clients[0]!, 'hw-a'), answer('n1', clients[0]!, 'hw-a'), answer('n1', clients[1]!, 'hw-b'), answer('n1', clients[1]!, 'hw-b'), answer('n2', clients[0]!, 'hw-c'), answer('n2', clients[0]!, 'hw-c'), answer('n2', clients[1]!, 'hw-a'), answer('n2', clients[1]!, 'hw-a')];
    const { checks, figure } = judge(records);
    expect(checks.map((c) => `${c.id}:${c.status}`)).toEqual([
      'session-affinity/forwarding/n1:pass', 'session-affinity/sticky/n1:pass', 'session-affinity/spread/n1:pass',
      'session-affinity/forwarding/n2:pass', 'session-affinity/sticky/n2:pass', 'session-affinity/spread/n2:pass',
    ]);
    expect(figure.rows).toContainEqual(['172.18.0.8', 'n2', 'hw-a', '2 of 2']);
    expect(figure.rows).toHaveLength(4);
  });

  test('a client moved on one node fails sticky there only, naming the client and the endpoints', () => {
    const records = [answer('n1', clients[0]!, 'hw-a'), answer('n1', clients[0]!, 'hw-b'), answer('n1', clients[1]!, 'hw-b'), answer('n1', clients[1]!, 'hw-b'), answer('n2', clients[0]!, 'hw-c'), answer('n2', clients[0]!, 'hw-c'), answer('n2', clients[1]!, 'hw-a'), answer('n2', clients[1]!, 'hw-a')];
    const failed = judge(records).checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id)).toEqual(['session-affinity/sticky/n1']);
    expect(failed[0]!.message).toContain('client 172.18.0.7: hw-a: 1, hw-b: 1');
  });

  test('every client on one endpoint fails spread; a failed request fails forwarding', () => {
    const records = [answer('n1', clients[0]!, 'hw-a'), answer('n1', clients[0]!, 'hw-a'), answer('n1', clients[1]!, 'hw-a'), answer('n1', clients[1]!, 'hw-a'), answer('n2', clients[0]!, 'hw-c'), answer('n2', clients[0]!, null), answer('n2', clients[1]!, 'hw-a'), answer('n2', clients[1]!, 'hw-a')];
    const failed = judge(records).checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id)).toEqual(['session-affinity/spread/n1', 'session-affinity/forwarding/n2']);
    expect(failed[0]!.message).toMatch(/all 2 clients were sent to hw-a \(10\.244\.1\.2\)/);
    expect(failed[1]!.message).toContain('1 of 4 requests failed (ECONNREFUSED: refused: 1)');
  });
});
