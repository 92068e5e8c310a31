import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from '@playwright/test';
import { runBurst } from '../../harness/traffic/burst.js';
import { validateReply } from '../../harness/traffic/http-prober.js';
import { hostPort, schedule, splitPlan } from '../../harness/traffic/traffic-plan.js';

test('requests go round-robin over the nodes', () => {
  const targets = [{ node: 'a', address: '10.0.0.1', port: 30000 }, { node: 'b', address: '10.0.0.2', port: 30000 }];
  expect(schedule({ targets, requestsPerNode: 3, concurrency: 1, timeoutMs: 1, sender: 's' }).map((t) => t.node)).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  expect(hostPort('fd00::1', 30000)).toBe('[fd00::1]:30000');
});

test('a plan sent in parts makes the same schedule, in whole rounds', () => {
  const targets = [{ node: 'a', address: '10.0.0.1', port: 30000 }, { node: 'b', address: '10.0.0.2', port: 30000 }];
  for (const requestsPerNode of [1, 3, 10, 900, 901]) {
    const plan = { targets, requestsPerNode, concurrency: 1, timeoutMs: 1, sender: 's' };
    const parts = splitPlan(plan, 4);
    expect(parts.length).toBeLessThanOrEqual(4);
    expect(parts.every((p) => p.requestsPerNode > 0)).toBe(true);
    expect(parts.flatMap(schedule)).toEqual(schedule(plan));
  }
});

test('a reply counts only when it is the lab reply and names its pod', () => {
  const good = { sender: 'world1', message: 'Hello world1 (direct)', host: 'helloworld-1' };
  expect(validateReply(200, good, 'world1')).toBeNull();
  expect(validateReply(503, good, 'world1')).toBe('HTTP 503');
  expect(validateReply(200, { ...good, sender: 'x' }, 'world1')).toMatch(/echoed sender/);
  expect(validateReply(200, { ...good, message: 'Hi' }, 'world1')).toMatch(/unexpected message/);
  expect(validateReply(200, { ...good, host: null }, 'world1')).toMatch(/which pod/);
});

test('every request opens a new TCP connection, and records carry the client port', async () => {
  const ports = new Set<number>();
  const server = http.createServer((req, res) => {
    ports.add(req.socket.remotePort!);
    let body = '';
    req.on('data', (d) => (body += d)).on('end', () => {
      const sender = (JSON.parse(body) as { sender: string }).sender;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ sender, message: `Hello ${sender} (direct)`, host: 'pod-a', podIP: '10.0.0.9', node: 'n1' }));
    });
  });
  // The server keeps connections alive; only the client's choice can make them new.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const records = await runBurst({ targets: [{ node: 'n1', address: '127.0.0.1', port }], requestsPerNode: 40, concurrency: 4, timeoutMs: 5_000, sender: 'world1' });
    expect(records).toHaveLength(40);
    expect(records.every((r) => r.error === null && r.status === 200 && r.pod === 'pod-a')).toBe(true);
    expect(ports.size, 'distinct client ports seen by the server').toBe(40);
    expect(new Set(records.map((r) => r.clientPort))).toEqual(ports);
  } finally {
    server.close();
  }
});

test('a refused connection becomes a failed record, not an exception', async () => {
  const records = await runBurst({ targets: [{ node: 'n1', address: '127.0.0.1', port: 1 }], requestsPerNode: 2, concurrency: 2, timeoutMs: 2_000, sender: 'world1' });
  expect(records.map((r) => r.status)).toEqual([null, null]);
  expect(records[0]!.error).toMatch(/ECONNREFUSED/);
});
