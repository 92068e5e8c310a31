import { spawn } from 'node:child_process';
import { HttpProber } from '../harness/traffic/http-prober.js';
import type { TrafficTarget } from '../harness/traffic/traffic-plan.js';

/**
 * How the traffic client's CPU per request falls as its process warms up: rounds of POSTs, 16 in
 * flight, each on a new connection, to the lab's reply served on loopback by a child process (so
 * that the server's CPU is not counted). No cluster needed; node flags go before tsx:
 *   node [--interrupt-budget=16000] --import tsx bench/client-warmup.ts [requests per round] [rounds]
 */
const SERVER = `
require('node:http').createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c)).on('end', () => {
    const sender = JSON.parse(body).sender;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ sender, message: 'Hello ' + sender + ' (direct)', host: 'pod-a', podIP: '10.0.0.1', node: 'n1', client: '127.0.0.1' }));
  });
}).listen(0, '127.0.0.1', function () { process.send(this.address().port); });`;

const perRound = Number(process.argv[2] ?? 3000);
const rounds = Number(process.argv[3] ?? 2);
const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
try {
  const port = await new Promise<number>((resolve, reject) => {
    server.once('message', (m) => resolve(Number(m)));
    server.once('exit', (code) => reject(new Error(`the loopback server ended (exit ${code}) before it listened`)));
  });
  const prober = await HttpProber.create(5000);
  const target: TrafficTarget = { node: 'n1', address: '127.0.0.1', port };
  for (let round = 0; round < rounds; round++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < perRound) if ((await prober.send(next++, target, 'world1')).error) failed++;
      }),
    );
    const used = process.cpuUsage(cpu);
    console.log(`round ${round + 1}: ${((performance.now() - started) / 1000).toFixed(2)} s, ${((used.user + used.system) / 1000 / perRound).toFixed(2)} ms of CPU per request, ${failed} failed`);
  }
} finally {
  server.kill();
}
