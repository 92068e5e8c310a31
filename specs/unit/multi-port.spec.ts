import { test, expect } from '@playwright/test';
import { containerPortOf, targetPortCheck } from '../../harness/features/multi-port/ports.js';
import { ALT_PORT, appWithAltPort } from '../../harness/features/multi-port/steps.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';

const port = { name: 'alt', nodePort: 31000, containerPort: 9090 };

function answer(node: string, servedPort: number | undefined, pod: string | null = 'hw-a'): RequestRecord {
  return { seq: 0, sentAt: 0, node, address: '172.18.0.2', port: 31000, clientPort: 40000, sourceAddress: '172.18.0.1', seenSource: null, status: pod ? 200 : null, pod, podIP: null, backendNode: null, latencyMs: 1, error: pod ? null : 'ECONNREFUSED', ...(servedPort === undefined ? {} : { servedPort }) };
}

test('target port: passes when every answer through the node came in on the port its targetPort names', () => {
  const check = targetPortCheck('multi-port/alt-target-port/w1', 'w1', port, [answer('w1', 9090), answer('w1', 9090), answer('w2', 8080), answer('w1', undefined, null)]);
  expect(check).toMatchObject({ status: 'pass', node: 'w1' });
  expect(check.message).toContain('all 2 answers came in on container port 9090');
});

test('target port: fails naming the ports the answers came in on, an app that does not say counting as wrong', () => {
  const check = targetPortCheck('multi-port/alt-target-port/w1', 'w1', port, [answer('w1', 9090), answer('w1', 8080), answer('w1', 8080), answer('w1', undefined)]);
  expect(check.status).toBe('fail');
  expect(check.message).toContain('3 of 4 answers came in on another container port than 9090 (2 on 8080, 1 on not said)');
});

test('target port: a node that answered nothing is skipped, not passed (forwarding fails it)', () => {
  expect(targetPortCheck('x', 'w1', port, [answer('w1', undefined, null)]).status).toBe('skip');
});

test('a targetPort names its container port by number or by the pod spec\'s port name', () => {
  const ports = [{ name: 'http-server', containerPort: 8080 }, { name: 'alt-server', containerPort: 9090 }];
  expect(containerPortOf('http-server', ports)).toBe(8080);
  expect(containerPortOf(9090, ports)).toBe(9090);
  expect(() => containerPortOf('metrics', ports)).toThrow(/no container port is named metrics \(http-server, alt-server\)/);
});

test("the feature's app: the lab's Deployment, with the second port declared and the app told to serve it", () => {
  const container = appWithAltPort('img:1', 4).items[0]!.spec!.template!.spec!.containers![0]!;
  expect(container.ports).toEqual([{ name: 'http-server', containerPort: 8080, protocol: 'TCP' }, { name: 'alt-server', containerPort: ALT_PORT, protocol: 'TCP' }]);
  expect(container.env).toContainEqual({ name: 'ALT_PORT', value: String(ALT_PORT) });
});
