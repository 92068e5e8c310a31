import { test, expect } from '@playwright/test';
import type { Kubectl } from '../../harness/kube/kubectl.js';
import { PodTrafficClient } from '../../harness/traffic/pod-client.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';

/** A kubectl whose exec fails as `failures` say, one per call, then prints one record. */
function kubectlFailing(failures: string[]): { kubectl: Kubectl; calls: () => number } {
  let calls = 0;
  const record: Partial<RequestRecord> = { node: 'n1', status: 200, pod: 'app-1', latencyMs: 1 };
  const kubectl = {
    async run() {
      const failure = failures[calls++];
      if (failure) throw new Error(`kubectl exec ... exited 1: ${failure}`);
      return { stdout: `${JSON.stringify(record)}\n`, stderr: '' };
    },
  } as unknown as Kubectl;
  return { kubectl, calls: () => calls };
}

const plan = { targets: [{ node: 'n1', address: '10.96.0.10', port: 8080 }], requestsPerNode: 1, concurrency: 1, timeoutMs: 1000, sender: 'world1' as const, giveUpAfter: 5 };

test('a send whose exec stream broke is sent again whole, and its records are those of the send that ended', async () => {
  const { kubectl, calls } = kubectlFailing(['error: error reading from error stream: read message: unexpected EOF']);
  const records = await new PodTrafficClient(kubectl, 'ns', new Map([['n1', 'client-1']])).send(plan);
  expect(calls()).toBe(2);
  expect(records).toHaveLength(1);
  expect(records[0]!.pod).toBe('app-1');
});

test("the burst's own failure is not retried", async () => {
  const { kubectl, calls } = kubectlFailing(['error: invalid plan']);
  await expect(new PodTrafficClient(kubectl, 'ns', new Map([['n1', 'client-1']])).send(plan)).rejects.toThrow(/invalid plan/);
  expect(calls()).toBe(1);
});

test('a stream that keeps breaking fails after its retries, with the stream error', async () => {
  const broken = 'error: error reading from error stream: read message: unexpected EOF';
  const { kubectl, calls } = kubectlFailing([broken, broken, broken, broken]);
  await expect(new PodTrafficClient(kubectl, 'ns', new Map([['n1', 'client-1']])).send(plan)).rejects.toThrow(/unexpected EOF/);
  expect(calls()).toBe(3);
});
