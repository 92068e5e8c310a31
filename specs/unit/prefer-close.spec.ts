import { test, expect } from '@playwright/test';
import type { ClusterFacts } from '../../harness/features/feature.js';
import { zoneLayoutProblem } from '../../harness/features/prefer-close/index.js';
import { hintProblems, ZONE_SEEN_AT_START, zoneCheck, zonedEndpoints, zoneExpectations, zonesWithEndpoints } from '../../harness/features/prefer-close/zones.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';

const slice = (endpoints: object[]) => ({ items: [{ addressType: 'IPv4', endpoints }] });
const ep = (pod: string, node: string, zone: string | null, hints?: string[], ready = true) => ({
  addresses: [`10.244.0.${pod.length}${pod.at(-1)!.charCodeAt(0) % 10}`],
  nodeName: node,
  ...(zone ? { zone } : {}),
  conditions: { ready },
  ...(hints ? { hints: { forZones: hints.map((name) => ({ name })) } } : {}),
  targetRef: { kind: 'Pod', name: pod },
});

function answer(node: string, pod: string): RequestRecord {
  return { seq: 0, sentAt: 0, node, address: '10.96.0.5', port: 8080, clientPort: 40000, sourceAddress: null, seenSource: null, status: 200, pod, podIP: null, backendNode: null, latencyMs: 2, error: null };
}

test.describe('TrafficDistributionPreferClose', () => {
  const facts = (nodes: ClusterFacts['nodes'], replicas = 3): ClusterFacts => ({ provider: 'kind', nodes, replicas, onThisHost: true, ipFamilies: ['IPv4'] });

  test('untestable without zone labels, with fewer than 2 zones of schedulable nodes, or one endpoint', () => {
    expect(zoneLayoutProblem(facts([{ name: 'cp', schedulable: false, zone: null }, { name: 'w1', schedulable: true, zone: null }]))).toMatch(/no node has a zone label \(topology.kubernetes.io\/zone\)/);
    expect(zoneLayoutProblem(facts([{ name: 'cp', schedulable: false, zone: 'a' }, { name: 'w1', schedulable: true, zone: 'b' }]))).toMatch(/schedulable nodes are in 1 \(b\)/);
    const twoZones = [{ name: 'cp', schedulable: false, zone: 'a' }, { name: 'w1', schedulable: true, zone: 'a' }, { name: 'w2', schedulable: true, zone: 'b' }];
    expect(zoneLayoutProblem(facts(twoZones))).toBeNull();
    expect(zoneLayoutProblem(facts(twoZones, 1))).toMatch(/at least 2 endpoints/);
  });

  test('hints: every ready endpoint hinted for its own zone, else what is missing', () => {
    const good = zonedEndpoints(slice([ep('hw-a', 'w1', 'zone-a', ['zone-a']), ep('hw-b', 'w2', 'zone-b', ['zone-b']), ep('hw-x', 'w2', 'zone-b', undefined, false)]));
    expect(good.map((e) => e.pod)).toEqual(['hw-a', 'hw-b']);
    expect(hintProblems(good)).toEqual([]);
    expect(zonesWithEndpoints(good)).toEqual(['zone-a', 'zone-b']);
    const bad = zonedEndpoints(slice([ep('hw-a', 'w1', 'zone-a'), ep('hw-b', 'w2', null), ep('hw-c', 'w3', 'zone-b', ['zone-a'])]));
    expect(hintProblems(bad)).toEqual([
      'hw-a in zone-a is hinted for [], not [zone-a]',
      'hw-b on w2 has no zone (its node has no topology.kubernetes.io/zone label)',
      'hw-c in zone-b is hinted for [zone-a], not [zone-b]',
    ]);
  });

  test('a client is expected to be answered from its zone, or from anywhere when its zone holds no endpoint', () => {
    const endpoints = zonedEndpoints(slice([ep('hw-a', 'w1', 'zone-a', ['zone-a']), ep('hw-b', 'w2', 'zone-b', ['zone-b']), ep('hw-c', 'w3', 'zone-b', ['zone-b'])]));
    const nodes = [{ name: 'cp', zone: 'zone-a' }, { name: 'w2', zone: 'zone-b' }, { name: 'edge', zone: 'zone-c' }, { name: 'bare', zone: null }];
    expect(zoneExpectations(nodes, endpoints)).toEqual([
      { node: 'cp', zone: 'zone-a', expected: ['hw-a'], mode: 'same-zone' },
      { node: 'w2', zone: 'zone-b', expected: ['hw-b', 'hw-c'], mode: 'same-zone' },
      { node: 'edge', zone: 'zone-c', expected: ['hw-a', 'hw-b', 'hw-c'], mode: 'cluster-wide' },
      { node: 'bare', zone: null, expected: ['hw-a', 'hw-b', 'hw-c'], mode: 'cluster-wide' },
    ]);
    const [cp, w2] = zoneExpectations(nodes, endpoints);
    expect(zoneCheck(cp!, [answer('cp', 'hw-a'), answer('cp', 'hw-a'), answer('w2', 'hw-a')], endpoints, 'the client pod on cp', 'prefer-close/')).toMatchObject({ id: 'prefer-close/zone/cp', status: 'pass' });
    const fail = zoneCheck(w2!, [answer('w2', 'hw-b'), answer('w2', 'hw-a'), answer('w2', 'hw-c')], endpoints, 'the client pod on w2', 'prefer-close/');
    expect(fail.status).toBe('fail');
    expect(fail.message).toBe('the client pod on w2 (zone zone-b): 1 of 3 answers came from endpoints in another zone (hw-a (zone-a): 1) although zone zone-b holds hw-b, hw-c: the proxy on w2 does not prefer close endpoints; it answered from every endpoint, as if it had no zone (' + ZONE_SEEN_AT_START + ')');
    // Answers from some endpoints of another zone, not every endpoint: no guess at the cause.
    const skewed = zoneCheck(w2!, [answer('w2', 'hw-b'), answer('w2', 'hw-a')], endpoints, 'the client pod on w2', 'prefer-close/');
    expect(skewed.message).toMatch(/does not prefer close endpoints$/);
  });
});
