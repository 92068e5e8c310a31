import { test, expect } from '@playwright/test';
import { reaperRules } from '../../harness/kube/rbac.js';
import { RUN_LEASE } from '../../harness/kube/reaper-names.js';
import { CLEARED_AFTER_EACH_RUN, OWN_LABELS, REAPED_WITH } from '../../harness/lab/ownership.js';
import { LeaseWatch, reap, reapingOf, type ApiAnswer, type ReaperApi } from '../../harness/lab/reaper.js';
import { CLOCK_SKEW_MS, leaseStanding, microTime } from '../../harness/lab/run-lease.js';

const lease = (renewTime: string, leaseDurationSeconds = 120) => ({ spec: { holderIdentity: 'run-1', leaseDurationSeconds, renewTime } });

test.describe('the reaper reads the Lease by its own clock', () => {
  test('expires once renewTime has not changed for the Lease duration since it was seen to change', () => {
    const watch = new LeaseWatch(0);
    expect(watch.remainingMs(0), 'nothing read yet: never expires').toBe(Number.POSITIVE_INFINITY);
    watch.observe(lease('2026-12-06T10:00:00.000000Z', 60), 1_000);
    expect(watch.remainingMs(31_000)).toBe(30_000);
    // Renewed: the count starts again from when the change was seen, whatever the times say.
    watch.observe(lease('2026-12-06T09:00:00.000000Z', 60), 40_000);
    expect(watch.remainingMs(61_000)).toBe(39_000);
    watch.observe(lease('2026-12-06T09:00:00.000000Z', 60), 90_000);
    expect(watch.remainingMs(99_999)).toBe(1);
    expect(watch.remainingMs(100_000)).toBe(0);
  });

  test('polls at a sixth of the duration, between 1 s and 10 s', () => {
    const watch = new LeaseWatch(0);
    watch.observe(lease('t', 15), 0);
    expect(watch.pollMs).toBe(2_500);
    watch.observe(lease('t', 3), 0);
    expect(watch.pollMs).toBe(1_000);
    watch.observe(lease('t', 600), 0);
    expect(watch.pollMs).toBe(10_000);
  });
});

test.describe("the next run judges an earlier run's Lease by this host's clock", () => {
  const renewed = Date.parse('2026-12-06T10:00:00Z');
  test('live within the duration and the clock skew room, expired after', () => {
    const at = (ms: number) => leaseStanding(lease(microTime(new Date(renewed)), 120), renewed + ms);
    expect(at(0).live).toBe(true);
    expect(at(120_000 + CLOCK_SKEW_MS).live).toBe(true);
    const expired = at(120_000 + CLOCK_SKEW_MS + 1_000);
    expect(expired).toEqual({ live: false, holder: 'run-1', renewedAgoS: 151, expirySeconds: 120 });
  });

  test('a Lease with no time it can read is expired', () => {
    expect(leaseStanding({ spec: { leaseDurationSeconds: 120 } }, renewed).live).toBe(false);
  });

  test('MicroTime has six fractional digits', () => {
    expect(microTime(new Date('2026-12-06T10:00:00.123Z'))).toBe('2026-12-06T10:00:00.123000Z');
  });
});

test.describe('what the reaper does to each namespace', () => {
  const ns = (annotations: Record<string, string> = {}, extra: object = {}) => ({ metadata: { labels: { ...OWN_LABELS }, annotations, ...extra } });

  test("deletes those this run's certify made, clears those an admin made, leaves the rest", () => {
    expect(reapingOf(ns({ [REAPED_WITH]: 'lab' }), 'lab')).toBe('delete');
    expect(reapingOf(ns({ [REAPED_WITH]: 'other-lab' }), 'lab'), "another run's").toBe('leave');
    expect(reapingOf(ns({ [CLEARED_AFTER_EACH_RUN]: 'true' }), 'lab')).toBe('clear');
    expect(reapingOf(ns(), 'lab'), 'kept by an earlier --keep run').toBe('leave');
    expect(reapingOf({ metadata: { annotations: { [REAPED_WITH]: 'lab' } } }, 'lab'), 'not labelled as ours').toBe('leave');
    expect(reapingOf(ns({ [REAPED_WITH]: 'lab' }, { deletionTimestamp: 'x' }), 'lab'), 'already going').toBe('leave');
    expect(reapingOf(undefined, 'lab')).toBe('leave');
  });

  /** An API server of a few objects, recording the requests it answers. */
  function fakeApi(objects: Record<string, unknown>): ReaperApi & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      async request(method, path): Promise<ApiAnswer> {
        calls.push(`${method} ${path}`);
        const key = path.split('?')[0]!;
        if (method === 'DELETE') return { status: key in objects ? 200 : 404, body: {} };
        if (key in objects) return { status: 200, body: objects[key] };
        const items = Object.keys(objects).filter((k) => k.startsWith(`${key}/`)).map((k) => ({ metadata: { name: k.slice(key.length + 1) } }));
        return items.length > 0 || /\/(services|pods|deployments|daemonsets)$/.test(key) ? { status: 200, body: { items } } : { status: 403, body: {} };
      },
    };
  }

  test('features first, the lab last; in an admin-made lab, Services before the rest and its own pod at the very end', async () => {
    const api = fakeApi({
      '/api/v1/namespaces/lab': ns({ [CLEARED_AFTER_EACH_RUN]: 'true' }),
      '/api/v1/namespaces/lab/services/helloworld': {},
      '/apis/apps/v1/namespaces/lab/deployments/helloworld': {},
      '/api/v1/namespaces/lab/pods/helloworld-1': {},
      '/api/v1/namespaces/lab/pods/reaper-x': {},
      [`/apis/coordination.k8s.io/v1/namespaces/lab/leases/${RUN_LEASE}`]: {},
      '/api/v1/namespaces/lab-hairpin': ns({ [REAPED_WITH]: 'lab' }),
    });
    const lines: string[] = [];
    await reap(api, { labNamespace: 'lab', namespaces: ['lab', 'lab-hairpin', 'lab-not-made'] }, 'reaper-x', (l) => lines.push(l));
    const deletes = api.calls.filter((c) => c.startsWith('DELETE'));
    expect(deletes).toEqual([
      'DELETE /api/v1/namespaces/lab-hairpin',
      'DELETE /api/v1/namespaces/lab/services/helloworld',
      'DELETE /apis/apps/v1/namespaces/lab/deployments/helloworld',
      'DELETE /api/v1/namespaces/lab/pods/helloworld-1?gracePeriodSeconds=1',
      `DELETE /apis/coordination.k8s.io/v1/namespaces/lab/leases/${RUN_LEASE}`,
      'DELETE /api/v1/namespaces/lab/pods/reaper-x?gracePeriodSeconds=0',
    ]);
    expect(lines[0]).toBe('left namespace lab-not-made (HTTP 403)');
  });

  test('may delete only the namespace it is bound in, and in admin-made ones never a namespace', () => {
    expect(reaperRules('ns-a', 'namespace').find((r) => r.resources.includes('namespaces'))).toEqual({ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'delete'], resourceNames: ['ns-a'] });
    expect(reaperRules('ns-a', 'objects').find((r) => r.resources.includes('namespaces'))?.verbs).toEqual(['get']);
  });
});
