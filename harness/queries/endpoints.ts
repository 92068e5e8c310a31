import type { Endpoint, EndpointDiscovery, IncompleteEndpoint } from './types.js';

/** One row of the ENDPOINT_SLICE_ENDPOINTS jq program's output. */
export interface EndpointRow {
  pod: string | null;
  ip: string | null;
  node: string | null;
  family: 'IPv4' | 'IPv6';
  ready: boolean;
}

type CompleteRow = EndpointRow & { pod: string; ip: string; node: string };

function isComplete(row: EndpointRow): row is CompleteRow {
  return row.pod !== null && row.ip !== null && row.node !== null;
}

/**
 * One endpoint per pod. A dual-stack service lists each pod in an IPv4 and an IPv6 slice,
 * and during updates a pod may sit in two slices of one family: keep IPv4 over IPv6, ready
 * over not ready, then the first seen.
 */
export function toEndpointDiscovery(rows: readonly EndpointRow[]): EndpointDiscovery {
  const byPod = new Map<string, CompleteRow>();
  const incomplete: IncompleteEndpoint[] = [];
  const better = (a: CompleteRow, b: CompleteRow): boolean =>
    (a.family === 'IPv4' && b.family === 'IPv6') || (a.family === b.family && a.ready && !b.ready);
  for (const row of rows) {
    if (!isComplete(row)) {
      incomplete.push({ pod: row.pod, ip: row.ip, node: row.node, ready: row.ready });
      continue;
    }
    const current = byPod.get(row.pod);
    if (!current || better(row, current)) byPod.set(row.pod, row);
  }
  const sorted = [...byPod.values()].sort((a, b) => a.pod.localeCompare(b.pod));
  const plain = (r: CompleteRow): Endpoint => ({ pod: r.pod, ip: r.ip, node: r.node });
  return {
    ready: sorted.filter((r) => r.ready).map(plain),
    notReady: sorted.filter((r) => !r.ready).map(plain),
    incomplete,
  };
}
