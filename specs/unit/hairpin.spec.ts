import { test, expect } from '@playwright/test';
import { hairpinCheck, hairpinTries, missedByLuck } from '../../harness/features/hairpin/self-answer.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';

const me = { pod: 'hw-a', ip: '10.244.1.2', node: 'w1' };

function call(pod: string | null, error: string | null = null): RequestRecord {
  return { seq: 0, sentAt: 0, node: 'w1', address: '10.96.0.9', port: 8080, clientPort: 40000, sourceAddress: me.ip, seenSource: null, status: pod ? 200 : null, pod, podIP: null, backendNode: null, latencyMs: 2, error };
}

test.describe('Hairpin', () => {
  test('tries: the smallest t with k * ((k-1)/k)^t within alpha; one try with one endpoint', () => {
    expect(hairpinTries(3, 0.001)).toBe(20);
    expect(hairpinTries(3, 0.0005)).toBe(22);
    expect(missedByLuck(3, 22)).toBeLessThanOrEqual(0.0005);
    expect(missedByLuck(3, 21)).toBeGreaterThan(0.0005);
    expect(hairpinTries(1, 0.001)).toBe(1);
  });

  test('answered by itself at least once passes; never by itself fails with the chance of that by luck', () => {
    const pass = hairpinCheck(me, [call('hw-b'), call('hw-a'), call('hw-c')], 3, 3, '10.96.0.9:8080', 'hairpin/');
    expect(pass).toMatchObject({ id: 'hairpin/self/w1/hw-a', node: 'w1', endpoint: 'hw-a', status: 'pass' });
    expect(pass.message).toContain('answered by itself 1 of 3 times (others: hw-b: 1, hw-c: 1)');
    const fail = hairpinCheck(me, [call('hw-b'), call('hw-c'), call('hw-b')], 3, 3, '10.96.0.9:8080', 'hairpin/');
    expect(fail.status).toBe('fail');
    expect(fail.message).toMatch(/never answered by itself in 3 calls .* probability 0\.296 for one pod: the proxy on w1/);
  });

  test('a call that fails (a hairpin not masqueraded back times out) fails the check', () => {
    const check = hairpinCheck(me, [call('hw-b'), call(null, 'ECONNABORTED: timeout of 5000ms exceeded'), call('hw-c')], 3, 3, '10.96.0.9:8080', 'hairpin/');
    expect(check.status).toBe('fail');
    expect(check.message).toContain('1 of 3 calls failed (ECONNABORTED: timeout of 5000ms exceeded: 1)');
  });
});
