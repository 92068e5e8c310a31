import type { CheckLine } from '../../report/report-types.js';
import type { RequestRecord } from '../../traffic/request-record.js';
import { isSuccessful } from '../../traffic/traffic-matrix.js';

/**
 * How long the terminating pod keeps serving after its deletion (a preStop sleep; its grace period
 * is longer). The feature's traffic after the deletion takes well under a minute here; whether the
 * pod was still serving at the end is read from its EndpointSlice, never assumed.
 */
export const SERVING_WHILE_TERMINATING_S = 120;

/** EndpointSlice conditions of one pod's endpoint. */
export interface EndpointConditions {
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

interface SliceList {
  items: { endpoints?: { targetRef?: { name?: string }; conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean } }[] }[];
}

/** The conditions the Service's EndpointSlices give the pod, or null when it is in none. */
export function conditionsOf(slices: unknown, pod: string): EndpointConditions | null {
  for (const slice of (slices as SliceList).items) {
    for (const e of slice.endpoints ?? []) {
      if (e.targetRef?.name !== pod) continue;
      const c = e.conditions ?? {};
      return { ready: c.ready !== false, serving: c.serving ?? c.ready !== false, terminating: c.terminating === true };
    }
  }
  return null;
}

/** Passes when no answer through the node came from the terminating pod while ready endpoints existed. */
export function noNewConnectionsCheck(id: string, node: string, label: string, terminating: string, records: readonly RequestRecord[]): CheckLine {
  const base = { id, node, endpoint: terminating };
  const answered = records.filter((r) => r.node === node && isSuccessful(r));
  const toIt = answered.filter((r) => r.pod === terminating).length;
  if (answered.length === 0) return { ...base, status: 'skip', message: `${label}: no answer to tell by` };
  if (toIt === 0) return { ...base, status: 'pass', message: `${label}: none of ${answered.length} new connections went to the terminating ${terminating}` };
  return { ...base, status: 'fail', message: `${label}: ${toIt} of ${answered.length} new connections went to the terminating ${terminating} while ready endpoints existed: a proxy must send new connections to ready endpoints only` };
}

/** Passes when every request through the node reached its only local endpoint, the terminating one. */
export function localFallbackCheck(id: string, node: string, label: string, terminating: string, records: readonly RequestRecord[]): CheckLine {
  const base = { id, node, endpoint: terminating };
  const sent = records.filter((r) => r.node === node);
  const byIt = sent.filter((r) => isSuccessful(r) && r.pod === terminating).length;
  if (sent.length > 0 && byIt === sent.length) return { ...base, status: 'pass', message: `${label}: all ${sent.length} requests answered by the terminating ${terminating}, its only local endpoint` };
  const other = sent.filter((r) => isSuccessful(r) && r.pod !== terminating).length;
  const failed = sent.length - byIt - other;
  return {
    ...base,
    status: 'fail',
    message: `${label}: of ${sent.length} requests ${byIt} reached the terminating ${terminating}, ${other} another pod and ${failed} none: under externalTrafficPolicy Local a node whose only local endpoint is terminating but serving must still send to it, not drop (Kubernetes 1.28+)`,
  };
}
