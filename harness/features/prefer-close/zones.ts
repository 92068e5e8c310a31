import type { Endpoint } from '../../queries/types.js';
import type { CheckLine } from '../../report/report-types.js';
import type { RequestRecord } from '../../traffic/request-record.js';
import { isSuccessful } from '../../traffic/traffic-matrix.js';

/** A ready endpoint with the zone the EndpointSlice gives it and the zones its hints name. */
export interface ZonedEndpoint extends Endpoint {
  zone: string | null;
  hintedZones: string[];
}

interface SliceList {
  items: {
    endpoints?: {
      addresses?: string[];
      nodeName?: string;
      zone?: string;
      conditions?: { ready?: boolean };
      hints?: { forZones?: { name: string }[] };
      targetRef?: { kind?: string; name?: string };
    }[];
  }[];
}

/** The ready Pod endpoints of `kubectl get endpointslices -o json`, with their zones and zone hints; sorted by pod. */
export function zonedEndpoints(slices: unknown): ZonedEndpoint[] {
  const list = slices as SliceList;
  return list.items
    .flatMap((s) => s.endpoints ?? [])
    .filter((e) => e.conditions?.ready !== false && e.targetRef?.kind === 'Pod' && e.targetRef.name && e.addresses?.[0] && e.nodeName)
    .map((e) => ({ pod: e.targetRef!.name!, ip: e.addresses![0]!, node: e.nodeName!, zone: e.zone ?? null, hintedZones: (e.hints?.forZones ?? []).map((z) => z.name) }))
    .sort((a, b) => a.pod.localeCompare(b.pod));
}

/**
 * What is missing for a proxy to prefer close endpoints, as Kubernetes 1.34 has it: the
 * EndpointSlice controller gives every ready endpoint whose node has a zone label a hint for that
 * zone (k8s.io/endpointslice trafficdist, PreferClose), and kube-proxy uses zone hints only when
 * EVERY ready endpoint has one (pkg/proxy/topology.go). So one endpoint on a node without a zone
 * turns the feature off for the whole Service. Empty when every endpoint is hinted for its zone.
 */
export function hintProblems(endpoints: readonly ZonedEndpoint[]): string[] {
  return endpoints.flatMap((e) => {
    if (e.zone === null) return [`${e.pod} on ${e.node} has no zone (its node has no ${'topology.kubernetes.io/zone'} label)`];
    if (e.hintedZones.length !== 1 || e.hintedZones[0] !== e.zone) return [`${e.pod} in ${e.zone} is hinted for [${e.hintedZones.join(', ')}], not [${e.zone}]`];
    return [];
  });
}

/** Where a client on a node should be answered from, and why. */
export interface ZoneExpectation {
  node: string;
  zone: string | null;
  /** Pods the client may be answered by. */
  expected: string[];
  /** same-zone: its zone holds endpoints; cluster-wide: it does not (or the node has no zone), so every endpoint. */
  mode: 'same-zone' | 'cluster-wide';
}

/**
 * Per client node: the endpoints of its own zone when that zone holds any, else every endpoint
 * (kube-proxy falls back to cluster-wide when no endpoint is hinted for the node's zone).
 */
export function zoneExpectations(nodes: readonly { name: string; zone: string | null }[], endpoints: readonly ZonedEndpoint[]): ZoneExpectation[] {
  return nodes.map((n) => {
    const near = n.zone === null ? [] : endpoints.filter((e) => e.zone === n.zone);
    return near.length > 0
      ? { node: n.name, zone: n.zone, expected: near.map((e) => e.pod), mode: 'same-zone' as const }
      : { node: n.name, zone: n.zone, expected: endpoints.map((e) => e.pod), mode: 'cluster-wide' as const };
  });
}

/** Zones that hold at least one endpoint. */
export function zonesWithEndpoints(endpoints: readonly ZonedEndpoint[]): string[] {
  return [...new Set(endpoints.map((e) => e.zone).filter((z): z is string => z !== null))].sort();
}

/** The known cause of a node that ignores its zone (docs/findings.md). */
export const ZONE_SEEN_AT_START = "kube-proxy 1.34 can miss the zone its node has when it starts, and then ignores zone hints until it restarts: docs/findings.md";

/** Per client node: every answer from an endpoint it should use (its zone's, or any when its zone has none). */
export function zoneCheck(expectation: ZoneExpectation, records: readonly RequestRecord[], endpoints: readonly ZonedEndpoint[], label: string, idPrefix: string): CheckLine {
  const zoneOf = new Map(endpoints.map((e) => [e.pod, e.zone]));
  const answers = records.filter((r) => r.node === expectation.node && isSuccessful(r));
  const counts = new Map<string, number>();
  for (const r of answers) counts.set(r.pod!, (counts.get(r.pod!) ?? 0) + 1);
  const expected = new Set(expectation.expected);
  const describe = (entries: [string, number][]) => entries.map(([pod, c]) => `${pod} (${zoneOf.get(pod) ?? 'no zone'}): ${c}`).join(', ');
  const stray = [...counts].filter(([pod]) => !expected.has(pod));
  const base = { id: `${idPrefix}zone/${expectation.node}`, node: expectation.node, endpoint: null };
  const where = expectation.zone === null ? 'no zone' : `zone ${expectation.zone}`;
  if (answers.length === 0) return { ...base, status: 'skip', message: `${label} (${where}): no answers, so the zone is not judged` };
  if (stray.length > 0) {
    const off = stray.reduce((a, [, c]) => a + c, 0);
    const everywhere = endpoints.length > 1 && endpoints.every((e) => counts.has(e.pod)) ? `; it answered from every endpoint, as if it had no zone (${ZONE_SEEN_AT_START})` : '';
    return {
      ...base,
      status: 'fail',
      message: `${label} (${where}): ${off} of ${answers.length} answers came from endpoints in another zone (${describe(stray)}) although ${where} holds ${expectation.expected.join(', ')}: the proxy on ${expectation.node} does not prefer close endpoints${everywhere}`,
    };
  }
  const how = expectation.mode === 'same-zone' ? `all from ${where} endpoints` : `${where} holds no endpoint, so all endpoints may answer`;
  return { ...base, status: 'pass', message: `${label} (${where}): ${answers.length} answers, ${how} (${describe([...counts])})` };
}
