// Pure logic of the UDP and TerminatingEndpoints features: stale-flow outcomes, endpoint conditions, and their checks.
import { test, expect } from '@playwright/test';
import { conditionsOf, localFallbackCheck, noNewConnectionsCheck } from '../../harness/features/terminating-endpoints/terminating.js';
import { flowOutcome, STALE_FLOW_BOUND_MS, staleFlowCheck } from '../../harness/features/udp/stale-flows.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';
import type { UdpFlow } from '../../harness/traffic/udp-flow.js';

const record = (node: string, pod: string | null, error: string | null = null): RequestRecord => ({
  seq: 0, sentAt: 0, node, address: '172.18.0.3', port: 30080, clientPort: pod ? 40000 : null, sourceAddress: null, seenSource: null,
  status: pod ? 200 : null, pod, podIP: null, backendNode: null, latencyMs: 1, error,
});

const flow = (answers: { at: number; pod: string }[]) =>
  ({ target: { node: 'w1', address: '172.18.0.3', port: 31000 }, sourcePort: 40001, answers, firstAnswerFrom: (since: number, gone: ReadonlySet<string>) => answers.find((a) => a.at >= since && !gone.has(a.pod)) ?? null }) as unknown as UdpFlow;

test.describe('stale UDP flows', () => {
  test('a flow that reaches a live pod after the deletion passes, with the time it took', () => {
    const outcome = flowOutcome(flow([{ at: 900, pod: 'old' }, { at: 1_200, pod: 'old' }, { at: 3_500, pod: 'new' }]), 'old', 1_000, new Set(['old']));
    expect(outcome).toMatchObject({ recoveredAfterS: 2.5, after: 'new', lastOldAfterS: 0.2 });
    expect(staleFlowCheck('udp/stale-flow/w1', outcome, 'node w1').status).toBe('pass');
  });

  test('a flow black-holed past the bound, or one never answered, fails', () => {
    const late = flowOutcome(flow([{ at: 900, pod: 'old' }, { at: 1_000 + STALE_FLOW_BOUND_MS + 1, pod: 'new' }]), 'old', 1_000, new Set(['old']));
    expect(late.recoveredAfterS).toBeNull();
    expect(staleFlowCheck('id', late, 'node w1')).toMatchObject({ status: 'fail', message: expect.stringContaining('stale conntrack entry') });
    expect(staleFlowCheck('id', flowOutcome(flow([]), null, 1_000, new Set()), 'node w1').status).toBe('fail');
  });
});

test.describe('terminating endpoints', () => {
  const slices = { items: [{ endpoints: [{ targetRef: { name: 'a' }, conditions: { ready: false, serving: true, terminating: true } }, { targetRef: { name: 'b' }, conditions: { ready: true } }] }] };

  test('EndpointSlice conditions, with serving defaulting to ready', () => {
    expect(conditionsOf(slices, 'a')).toEqual({ ready: false, serving: true, terminating: true });
    expect(conditionsOf(slices, 'b')).toEqual({ ready: true, serving: true, terminating: false });
    expect(conditionsOf(slices, 'c')).toBeNull();
  });

  test('one new connection to the terminating pod fails its node', () => {
    expect(noNewConnectionsCheck('id', 'w1', 'node w1', 'a', [record('w1', 'b'), record('w2', 'a')]).status).toBe('pass');
    expect(noNewConnectionsCheck('id', 'w1', 'node w1', 'a', [record('w1', 'b'), record('w1', 'a')])).toMatchObject({ status: 'fail', message: expect.stringContaining('1 of 2') });
  });

  test('under a Local policy every request must reach the terminating pod: a drop or another pod fails', () => {
    expect(localFallbackCheck('id', 'w1', 'node w1', 'a', [record('w1', 'a'), record('w1', 'a')]).status).toBe('pass');
    expect(localFallbackCheck('id', 'w1', 'node w1', 'a', [record('w1', 'a'), record('w1', null, 'ECONNABORTED: timeout')])).toMatchObject({ status: 'fail', message: expect.stringContaining('1 none') });
    expect(localFallbackCheck('id', 'w1', 'node w1', 'a', [])).toMatchObject({ status: 'fail' });
  });
});
