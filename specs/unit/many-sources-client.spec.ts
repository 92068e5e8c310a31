import { test, expect } from '@playwright/test';
import { ManySourcesClient } from '../../harness/traffic/many-sources-client.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';
import type { TrafficClient } from '../../harness/traffic/traffic-client.js';
import type { TrafficPlan } from '../../harness/traffic/traffic-plan.js';

/** A client that answers every request of the plan from one source address. */
function fakeSource(address: string, sent: TrafficPlan[]): TrafficClient {
  return {
    kind: 'container',
    async send(plan, onProgress) {
      sent.push(plan);
      const records = plan.targets.flatMap((t) =>
        Array.from({ length: plan.requestsPerNode }, (_, i): RequestRecord => ({ seq: i, sentAt: 0, node: t.node, address: t.address, port: t.port, clientPort: 40000 + i, sourceAddress: address, seenSource: address, status: 200, pod: 'hw-a', podIP: null, backendNode: null, latencyMs: 1, error: null })),
      );
      onProgress?.(records.length, records.length);
      return records;
    },
    async close() {},
  };
}

test('every source sends the whole plan; records of all sources, numbered anew; progress over all', async () => {
  const plans: TrafficPlan[] = [];
  const client = new ManySourcesClient([fakeSource('172.18.0.7', plans), fakeSource('172.18.0.8', plans)]);
  const plan: TrafficPlan = { targets: [{ node: 'n1', address: '172.18.0.2', port: 31000 }, { node: 'n2', address: '172.18.0.3', port: 31000 }], requestsPerNode: 3, concurrency: 1, timeoutMs: 1000, sender: 'world1', giveUpAfter: 10 };
  const progress: [number, number][] = [];
  const records = await client.send(plan, (done, total) => progress.push([done, total]));
  expect(plans).toEqual([plan, plan]);
  expect(records).toHaveLength(12);
  expect(records.map((r) => r.seq)).toEqual([...Array(12).keys()]);
  expect(new Set(records.map((r) => r.sourceAddress))).toEqual(new Set(['172.18.0.7', '172.18.0.8']));
  expect(progress.at(-1)).toEqual([12, 12]);
  expect(() => new ManySourcesClient([])).toThrow(/at least one source/);
});
