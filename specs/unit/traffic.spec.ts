import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { test, expect } from '@playwright/test';
import { failedAfterTimeout, runBurst, sendThroughStalls, STALLED_SENDS, timedOutLate, unansweredAfterConnect } from '../../harness/traffic/burst.js';
import { validateReply } from '../../harness/traffic/http-prober.js';
import { hostPort, schedule, splitPlan } from '../../harness/traffic/traffic-plan.js';
import { TrafficLane } from '../../harness/traffic/traffic-lane.js';
import { answers, chooseClient } from '../../harness/traffic/choose-client.js';
import { shareOut } from '../../harness/traffic/spread-pods-client.js';
import { unreachedOutcome } from '../../harness/report/unreached-check.js';
import { describeOutcome } from '../../harness/features/no-endpoints/refusal.js';

test('requests go round-robin over the nodes', () => {
  const targets = [{ node: 'a', address: '10.0.0.1', port: 30000 }, { node: 'b', address: '10.0.0.2', port: 30000 }];
  expect(schedule({ targets, requestsPerNode: 3 }).map((t) => t.node)).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  expect(hostPort('fd00::1', 30000)).toBe('[fd00::1]:30000');
});

test('a plan sent in parts makes the same schedule, in whole rounds', () => {
  const targets = [{ node: 'a', address: '10.0.0.1', port: 30000 }, { node: 'b', address: '10.0.0.2', port: 30000 }];
  for (const requestsPerNode of [1, 3, 10, 900, 901]) {
    const plan = { targets, requestsPerNode, concurrency: 1, timeoutMs: 1, sender: 's', giveUpAfter: 10 };
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

/** A local stand-in for the app: answers the lab's POST naming pod-a; `silent` accepts and never answers. */
async function labServer(ports = new Set<number>(), silent = false): Promise<{ port: number; close: () => void }> {
  const server = http.createServer((req, res) => {
    ports.add(req.socket.remotePort!);
    if (silent) return;
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
  return { port: (server.address() as AddressInfo).port, close: () => { server.closeAllConnections(); server.close(); } };
}

test('every request opens a new TCP connection, and records carry the client port', async () => {
  const ports = new Set<number>();
  const { port, close } = await labServer(ports);
  try {
    const records = await runBurst({ targets: [{ node: 'n1', address: '127.0.0.1', port }], requestsPerNode: 40, concurrency: 4, timeoutMs: 5_000, sender: 'world1', giveUpAfter: 10 });
    expect(records).toHaveLength(40);
    expect(records.every((r) => r.error === null && r.status === 200 && r.pod === 'pod-a')).toBe(true);
    expect(ports.size, 'distinct client ports seen by the server').toBe(40);
    expect(new Set(records.map((r) => r.clientPort))).toEqual(ports);
  } finally {
    close();
  }
});

test('a node that refuses or never answers is given up on after giveUpAfter failures in a row; the others are sent in full', async () => {
  const live = await labServer();
  const silent = await labServer(new Set(), true);
  try {
    const targets = [
      { node: 'live', address: '127.0.0.1', port: live.port },
      { node: 'refusing', address: '127.0.0.1', port: 1 },
      { node: 'silent', address: '127.0.0.1', port: silent.port },
    ];
    const records = await runBurst({ targets, requestsPerNode: 60, concurrency: 6, timeoutMs: 1_500, sender: 'world1', giveUpAfter: 5 });
    const sent = (node: string) => records.filter((r) => r.node === node).length;
    expect(sent('live')).toBe(60);
    expect(records.filter((r) => r.node === 'live').every((r) => r.error === null)).toBe(true);
    for (const node of ['refusing', 'silent']) {
      expect(sent(node), `${node}: stops soon after 5 failures in a row`).toBeGreaterThanOrEqual(5);
      expect(sent(node)).toBeLessThan(5 + 6);
    }
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
    // A later part of the same plan sends nothing to a node given up on before.
    const next = await runBurst({ targets, requestsPerNode: 10, concurrency: 6, timeoutMs: 1_500, sender: 'world1', giveUpAfter: 5, skipNodes: ['refusing', 'silent'] });
    expect(next.map((r) => r.node)).toEqual(new Array(10).fill('live'));
  } finally {
    live.close();
    silent.close();
  }
});

test('a refused connection becomes a failed record, not an exception', async () => {
  const records = await runBurst({ targets: [{ node: 'n1', address: '127.0.0.1', port: 1 }], requestsPerNode: 2, concurrency: 2, timeoutMs: 2_000, sender: 'world1', giveUpAfter: 10 });
  expect(records.map((r) => r.status)).toEqual([null, null]);
  expect(records[0]!.error).toMatch(/ECONNREFUSED/);
});

test('a plain GET keeps the JSON reply whole, whatever its status: the answer is what was asked', async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/' && req.method === 'GET' ? 503 : 400, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ service: { namespace: 'ns', name: 'svc' }, localEndpoints: 0, serviceProxyHealthy: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const [record] = await runBurst({ targets: [{ node: 'n1', address: '127.0.0.1', port }], requestsPerNode: 1, concurrency: 1, timeoutMs: 2_000, sender: 'world1', giveUpAfter: 10, request: { method: 'GET', path: '/' } });
    expect(record).toMatchObject({ status: 503, error: null, pod: null, reply: { localEndpoints: 0 } });
    expect(record!.clientPort).not.toBeNull();
  } finally {
    server.close();
  }
});

test('bursts in one lane take turns: the second starts once the first has ended, and is told it waits', async () => {
  const lane = new TrafficLane(1);
  const events: string[] = [];
  let release!: () => void;
  const first = lane.run(async () => {
    events.push('first starts');
    await new Promise<void>((resolve) => (release = resolve));
    events.push('first ends');
  });
  const second = lane.run(
    async () => void events.push('second starts'),
    (ahead) => events.push(`second waits behind ${ahead}`),
  );
  await expect.poll(() => events.length).toBe(2);
  release();
  await Promise.all([first, second]);
  expect(events).toContain('second waits behind 1');
  expect(events.filter((e) => !e.includes('waits'))).toEqual(['first starts', 'first ends', 'second starts']);
});

test('a timeout that fires late (the client stalled) is sent again, not counted against the proxy', async () => {
  // Replies 100 ms after each request; on the first, it stalls this process (client and server alike) past the 300 ms timeout.
  let stalls = 1;
  const server = http.createServer((req, res) => {
    req.resume().on('end', () => {
      setTimeout(() => res.end(JSON.stringify({ sender: 'world1', message: 'Hello world1 (direct)', host: 'pod-a' })), 100);
      if (stalls-- > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const [record] = await runBurst({ targets: [{ node: 'n1', address: '127.0.0.1', port }], requestsPerNode: 1, concurrency: 1, timeoutMs: 300, sender: 'world1', giveUpAfter: 10 });
    expect(record!.error, 'the send after the stall is answered').toBeNull();
    expect(record!.stalledSends).toBe(1);
    // Stalled on every send: the record names the client, and no check reads it as the proxy's drop.
    stalls = STALLED_SENDS;
    const [stalled] = await runBurst({ targets: [{ node: 'n1', address: '127.0.0.1', port }], requestsPerNode: 1, concurrency: 1, timeoutMs: 300, sender: 'world1', giveUpAfter: 10 });
    expect(stalled!.error).toMatch(/^client stalled: its 300 ms timeout fired after \d+ ms, 3 sends in a row/);
    expect(unreachedOutcome(stalled!)).toBe('client stalled');
    expect(describeOutcome(stalled!)).not.toMatch(/dropped/);
  } finally {
    server.close();
  }
  const timedOut = { status: null, error: 'ECONNABORTED: timeout of 5000ms exceeded', latencyMs: 5_100 };
  expect(timedOutLate({ ...timedOut } as never, 5_000), 'on time').toBe(false);
  expect(timedOutLate({ ...timedOut, latencyMs: 17_475 } as never, 5_000), 'fired 12 s late').toBe(true);
  expect(timedOutLate({ ...timedOut, error: 'ECONNREFUSED: connect ECONNREFUSED', latencyMs: 17_475 } as never, 5_000), 'refused, however late').toBe(false);
  expect(STALLED_SENDS).toBeGreaterThan(1);
});

test('a connected request the app leaves unanswered is sent again where the plan asks; one that never connected is not', async () => {
  // Accepts every connection; leaves the first `silent` requests unanswered, answers the rest.
  let silent = 1;
  const server = http.createServer((req, res) => {
    req.resume().on('end', () => {
      if (silent-- > 0) return;
      res.end(JSON.stringify({ sender: 'world1', message: 'Hello world1 (direct)', host: 'pod-a' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const plan = { targets: [{ node: 'n1', address: '127.0.0.1', port }], requestsPerNode: 1, concurrency: 1, timeoutMs: 300, sender: 'world1', giveUpAfter: 10 };
  try {
    const [kept] = await runBurst(plan);
    expect(kept!.error, 'without resendUnanswered the timeout stands').toMatch(/^ECONNABORTED/);
    expect(unansweredAfterConnect(kept!)).toBe(true);
    silent = 1;
    const [resent] = await runBurst({ ...plan, resendUnanswered: true });
    expect(resent!.error, 'the send after the unanswered one is answered').toBeNull();
    expect(resent!.stalledSends).toBe(1);
    silent = STALLED_SENDS;
    const [never] = await runBurst({ ...plan, resendUnanswered: true });
    expect(never!.error).toMatch(/^no answer after connecting: connected, no answer within 300 ms, 3 sends in a row/);
  } finally {
    server.close();
  }
  // A dropped SYN never connects: its timeout is the proxy's drop and is never sent again.
  const dropped = { status: null, error: 'ECONNABORTED: timeout of 5000ms exceeded', clientPort: null, latencyMs: 5_010 };
  expect(unansweredAfterConnect(dropped as never)).toBe(false);
  expect(unansweredAfterConnect({ ...dropped, clientPort: 40_000 } as never)).toBe(true);
  expect(unansweredAfterConnect({ ...dropped, clientPort: 40_000, error: 'ECONNRESET: socket hang up' } as never), 'reset').toBe(false);
});

test('auto picks the host client when every node answers, a refusal included: a port not programmed yet says nothing of routing', async () => {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const open = (server.address() as AddressInfo).port;
  server.close();
  await new Promise<void>((resolve) => server.once('close', resolve));
  // The port just closed refuses; nothing else is sent anywhere.
  expect(await answers('127.0.0.1', open)).toBe(true);
  const client = await chooseClient('auto', { runId: 'r', appImage: 'i', targets: [{ node: 'n1', address: '127.0.0.1', port: open }] });
  expect(client.kind).toBe('host');
});

test('a refusal read after the timeout was due (the client stalled) is sent again: its time is the client\'s', async () => {
  // As CI saw it: a ClusterIP refusal read after 3080 ms for a 3000 ms timeout, then one read at once.
  const refused = { seq: 0, sentAt: 0, node: 'n1', address: '10.96.65.220', port: 8080, clientPort: null, sourceAddress: null, seenSource: null, status: null, pod: null, podIP: null, backendNode: null, error: 'ECONNREFUSED: connect ECONNREFUSED 10.96.65.220:8080' };
  const sends = [{ ...refused, latencyMs: 3_080 }, { ...refused, latencyMs: 4 }];
  const record = await sendThroughStalls(async () => sends.shift()!, { timeoutMs: 3_000 });
  expect(record).toMatchObject({ latencyMs: 4, stalledSends: 1, error: refused.error });
  // Read late on every send: the record names the client, not the proxy.
  const late = await sendThroughStalls(async () => ({ ...refused, latencyMs: 3_080 }), { timeoutMs: 3_000 });
  expect(late.error).toMatch(/^client stalled: read its failure after 3080 ms, past its 3000 ms timeout, 3 sends in a row/);
  expect(failedAfterTimeout({ ...refused, latencyMs: 1_020 }, 3_000), 'on the retransmission, in time').toBe(false);
  expect(failedAfterTimeout({ ...refused, latencyMs: 3_080, error: 'ECONNABORTED: timeout of 3000ms exceeded' }, 3_000), "a timeout is timedOutLate's").toBe(false);
});

test('--client pods shares each node\'s requests out over the client pods as evenly as whole numbers allow', () => {
  expect(shareOut(1_095, 3)).toEqual([365, 365, 365]);
  expect(shareOut(10, 4)).toEqual([3, 3, 2, 2]);
  expect(shareOut(1, 3), 'a probe: one pod sends it').toEqual([1, 0, 0]);
  for (const [requests, parts] of [[964, 7], [5, 5], [0, 2]] as const) expect(shareOut(requests, parts).reduce((a, b) => a + b, 0)).toBe(requests);
});

