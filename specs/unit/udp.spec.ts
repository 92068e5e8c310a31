// The app's UDP answer and the harness's UDP prober, over real sockets on 127.0.0.1.
import { test, expect } from '@playwright/test';
import dgram from 'node:dgram';
import { createUdpServer } from '../../app/src/udp-server.js';
import { runBurst } from '../../harness/traffic/burst.js';
import { UdpProber } from '../../harness/traffic/udp-prober.js';

const IDENTITY = { pod: 'helloworld-udp-1', podIP: '10.244.1.9', node: 'kind-worker' };

test('each datagram is answered with the lab reply, from a new source port each time', async () => {
  const server = createUdpServer(IDENTITY);
  const port = await server.listen(0);
  try {
    const records = await runBurst({ targets: [{ node: 'n1', address: '127.0.0.1', port }], requestsPerNode: 20, concurrency: 5, timeoutMs: 2_000, sender: 'world1', giveUpAfter: 10, protocol: 'udp' });
    expect(records.map((r) => r.error)).toEqual(new Array(20).fill(null));
    expect(new Set(records.map((r) => r.pod))).toEqual(new Set([IDENTITY.pod]));
    expect(records.every((r) => r.servedPort === port && r.seenSource === '127.0.0.1' && r.status === 200)).toBe(true);
    expect(new Set(records.map((r) => r.clientPort)).size, 'a new source port per datagram').toBe(20);
  } finally {
    await server.close();
  }
});

test('a malformed message gets an error reply, which the prober names', async () => {
  const server = createUdpServer(IDENTITY);
  const port = await server.listen(0);
  try {
    const reply = await new Promise<string>((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('message', (m) => {
        socket.close();
        resolve(m.toString());
      });
      socket.send('{"nope": 1}', port, '127.0.0.1');
    });
    expect(JSON.parse(reply)).toEqual({ error: 'missing field "sender"' });
  } finally {
    await server.close();
  }
});

test('no reply is a timeout with no source port; a closed port is refused', async () => {
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  const silentPort = silent.address().port;
  try {
    const lost = await new UdpProber(300).send(0, { node: 'n1', address: '127.0.0.1', port: silentPort }, 'world1');
    expect(lost.error).toMatch(/^ECONNABORTED/);
    expect(lost.clientPort).toBeNull();
  } finally {
    silent.close();
  }
  const closed = await new UdpProber(2_000).send(0, { node: 'n1', address: '127.0.0.1', port: silentPort }, 'world1');
  expect(closed.error).toMatch(/^ECONNREFUSED/);
});
