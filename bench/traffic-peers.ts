import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../harness/util/exec.js';
import { runBurst } from '../harness/traffic/burst.js';
import { GIVE_UP_AFTER, hostPort, type TrafficTarget } from '../harness/traffic/traffic-plan.js';
import { CpuMeter } from './cpu-meter.js';
import { nodeHttpBurst } from './node-http-peer.js';

const REQUESTS = 4000;
const CONCURRENCY = 16;

interface PeerRun {
  rate: number;
  failed: number;
  clientMsPerRequest: number;
  restMsPerRequest: number;
  busyCores: number;
}

/**
 * The traffic client, node:http and wrk against the same NodePort, one after the other, with
 * the CPU each spent per request and what the rest of the machine spent meanwhile. Client first,
 * wrk last: back-to-back bursts leave ports in TIME_WAIT (see docs/benchmarks.md).
 */
export async function compareWithPeers(target: TrafficTarget): Promise<[string, string, string][]> {
  const ours = await measured(async () => {
    const records = await runBurst({ targets: [target], requestsPerNode: REQUESTS, concurrency: CONCURRENCY, timeoutMs: 5000, sender: 'world1', giveUpAfter: GIVE_UP_AFTER });
    return { requests: records.length, failed: records.filter((r) => r.error).length };
  });
  const plain = await measured(async () => ({ requests: REQUESTS, ...(await nodeHttpBurst(target.address, target.port, REQUESTS, CONCURRENCY)) }));
  const wrk = await measured(() => wrkRun(`http://${hostPort(target.address, target.port)}/api/messages`), 'children');
  const each = (f: (p: PeerRun) => number) => [ours, plain, wrk].map((p) => f(p).toFixed(2)).join(' / ');
  return [
    [`traffic client (axios), requests/s (new connection each, ${CONCURRENCY} in flight, one node)`, `${ours.rate.toFixed(0)} (${ours.failed} failed)`, ''],
    ['node:http without axios, requests/s (same requests, for reference)', `${plain.rate.toFixed(0)} (${plain.failed} failed)`, ''],
    [`wrk, requests/s (\`Connection: close\`, ${CONCURRENCY} connections, same NodePort, same run)`, `${wrk.rate.toFixed(0)} (${wrk.failed} failed)`, ''],
    ['ratio traffic client / wrk', (ours.rate / wrk.rate).toFixed(2), '>= 0.7'],
    ['ratio node:http / wrk', (plain.rate / wrk.rate).toFixed(2), ''],
    ['client CPU per request, ms: traffic client / node:http / wrk', each((p) => p.clientMsPerRequest), ''],
    ['rest of the machine (cluster, kernel), CPU per request, ms, same three runs', each((p) => p.restMsPerRequest), ''],
    [`cores busy (of ${os.cpus().length}), same three runs`, each((p) => p.busyCores), ''],
  ];
}

async function measured(body: () => Promise<{ requests: number; failed: number }>, client: 'self' | 'children' = 'self'): Promise<PeerRun> {
  const meter = CpuMeter.start();
  const { requests, failed } = await body();
  const cpu = meter.stop();
  const clientSeconds = client === 'self' ? cpu.selfSeconds : cpu.childrenSeconds;
  return {
    rate: requests / cpu.wallSeconds,
    failed,
    clientMsPerRequest: (clientSeconds * 1000) / requests,
    restMsPerRequest: ((cpu.machineSeconds - clientSeconds) * 1000) / requests,
    busyCores: cpu.machineSeconds / cpu.wallSeconds,
  };
}

/** wrk with the lab's POST; wrk counts socket errors and non-2xx answers apart from requests. */
async function wrkRun(url: string): Promise<{ requests: number; failed: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kpc-wrk-'));
  const script = path.join(dir, 'post.lua');
  writeFileSync(script, 'wrk.method = "POST"\nwrk.body = \'{"sender":"world1"}\'\nwrk.headers["Content-Type"] = "application/json"\n');
  const { stdout } = await run('wrk', ['-t2', `-c${CONCURRENCY}`, '-d5s', '-s', script, '-H', 'Connection: close', url]).finally(() => rmSync(dir, { recursive: true, force: true }));
  const requests = /(\d+) requests in/.exec(stdout);
  if (!requests) throw new Error(`could not read wrk's request count from: ${stdout}`);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout)?.slice(1).reduce((sum, n) => sum + Number(n), 0) ?? 0;
  return { requests: Number(requests[1]), failed: non2xx + socketErrors };
}
