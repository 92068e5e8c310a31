import type { Endpoint } from '../../queries/types.js';
import { pValue } from '../../report/format.js';
import type { CheckLine } from '../../report/report-types.js';
import type { RequestRecord } from '../../traffic/request-record.js';
import { failureReason, isSuccessful } from '../../traffic/traffic-matrix.js';

/**
 * Tries per pod. Each of the k endpoint pods calls the Service; a proxy that hairpins picks the
 * caller itself with probability 1/k per connection, so a pod is never answered by itself in t
 * tries by luck with probability ((k-1)/k)^t, and some pod is (union bound over the k pods) with
 * at most k * ((k-1)/k)^t. t is the smallest count that keeps that within the feature's alpha:
 * k = 3 gives 20 tries at alpha 0.001 and 22 at 0.0005. With one endpoint every try goes to the
 * caller itself, so one try tells.
 */
export function hairpinTries(endpoints: number, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (endpoints < 1) throw new RangeError('hairpin needs at least one endpoint');
  let tries = 1;
  while (missedByLuck(endpoints, tries) > alpha) tries++;
  return tries;
}

/** The chance that some of the k pods is never answered by itself in `tries`, were the proxy to hairpin. */
export function missedByLuck(endpoints: number, tries: number): number {
  return endpoints * ((endpoints - 1) / endpoints) ** tries;
}

/**
 * One pod's check: every call answered, and at least one answer from the caller itself. A proxy
 * that hairpins without masquerading (the answer comes back from the pod's own address, which the
 * caller never called) shows as failed connections, so a failure fails the check too.
 */
export function hairpinCheck(pod: Endpoint, records: readonly RequestRecord[], endpoints: number, tries: number, target: string, idPrefix: string): CheckLine {
  const base = { id: `${idPrefix}self/${pod.node}/${pod.pod}`, node: pod.node, endpoint: pod.pod };
  const who = `pod ${pod.pod} (${pod.ip}) on node ${pod.node} calling ClusterIP ${target}`;
  const self = records.filter((r) => isSuccessful(r) && r.pod === pod.pod).length;
  const others = new Map<string, number>();
  for (const r of records) if (isSuccessful(r) && r.pod !== pod.pod) others.set(r.pod!, (others.get(r.pod!) ?? 0) + 1);
  const spread = [...others].map(([p, c]) => `${p}: ${c}`).join(', ') || 'none';
  const failed = records.filter((r) => !isSuccessful(r));
  if (failed.length > 0) {
    const reasons = new Map<string, number>();
    for (const r of failed) reasons.set(failureReason(r), (reasons.get(failureReason(r)) ?? 0) + 1);
    const why = [...reasons].slice(0, 3).map(([reason, c]) => `${reason}: ${c}`).join(', ');
    return { ...base, status: 'fail', message: `${who}: ${failed.length} of ${records.length} calls failed (${why}); answered by itself ${self} times, by others ${spread}. A connection the proxy sends back to its caller must be masqueraded (hairpin), or its answer never reaches the caller` };
  }
  if (records.length < tries) return { ...base, status: 'fail', message: `${who}: only ${records.length} of ${tries} calls were made` };
  if (self === 0) {
    return {
      ...base,
      status: 'fail',
      message: `${who}: never answered by itself in ${records.length} calls (others: ${spread}); with ${endpoints} endpoints that happens by luck with probability ${pValue(missedByLuck(endpoints, records.length) / endpoints)} for one pod: the proxy on ${pod.node} does not send a pod's connections to its own Service back to itself`,
    };
  }
  return { ...base, status: 'pass', message: `${who}: answered by itself ${self} of ${records.length} times (others: ${spread})` };
}
