import assert from 'node:assert/strict';
import { ensureClientPods, type ClientPod } from '../../lab/client-pods.js';
import { APP_PORT } from '../../lab/helloworld-lab.js';
import type { ServiceUnderTest } from '../../lab/service-under-test.js';
import { requestsPerSourceFor } from '../../stats/requests-per-node.js';
import { PodTrafficClient } from '../../traffic/pod-client.js';
import { matrixFromRecords } from '../../traffic/traffic-matrix.js';
import { hostPort, type TrafficTarget } from '../../traffic/traffic-plan.js';
import { notYet, waitFor } from '../../util/wait.js';
import type { FeatureStep } from '../feature.js';
import { measureTraffic } from '../measured-traffic.js';
import { featureFile } from '../feature-file.js';
import { hintProblems, zoneCheck, zonedEndpoints, zoneExpectations, zonesWithEndpoints, type ZonedEndpoint, type ZoneExpectation } from './zones.js';

export const SLUG = 'prefer-close';
export const PREFER_CLOSE_SERVICE = 'kpc-prefer-close';
const PREFER_CLOSE_MANIFEST = featureFile(SLUG, 'service.yaml');

/**
 * How long the EndpointSlice controller may take to hint a new Service's endpoints: it writes the
 * hints with the slice itself (trafficdist.ReconcileHints runs on the slices it creates), so they
 * are there at once; 30 s is upstream's bound for the endpoints of a Service to follow a change.
 */
const HINTS_TIMEOUT_MS = 30_000;

/** PreferClose: clients are answered from their own zone when it holds an endpoint. */
export function preferCloseSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let endpoints: ZonedEndpoint[];
  let expectations: ZoneExpectation[];
  let clients: ClientPod[];
  let targets: TrafficTarget[];

  return [
    {
      title: '1. deploy the app and a ClusterIP Service with trafficDistribution PreferClose',
      name: 'deploy',
      async run({ lab, options }) {
        ({ service } = await lab.deployBehind(PREFER_CLOSE_SERVICE, PREFER_CLOSE_MANIFEST, options.replicas));
        const { spec } = (await service.json()) as { spec: { trafficDistribution?: string } };
        assert.equal(spec.trafficDistribution, 'PreferClose', `the API server kept trafficDistribution ${spec.trafficDistribution}, not PreferClose`);
      },
    },
    {
      title: '2. the endpoints are in at least 2 zones',
      name: 'zones',
      async run({ result }) {
        endpoints = zonedEndpoints(await service.endpointSlicesJson());
        const where = endpoints.map((e) => `${e.pod} on ${e.node} (${e.zone ?? 'no zone'})`).join(', ');
        if (endpoints.some((e) => e.zone === null)) result.skip(`endpoints on nodes without a zone, so no proxy may prefer zones: ${where}`);
        else if (zonesWithEndpoints(endpoints).length < 2) result.skip(`the app's endpoints are all in one zone: ${where}`);
      },
    },
    {
      title: '3. each endpoint is hinted for its own zone',
      name: 'hints',
      async run({ cluster, result }) {
        endpoints = await waitFor(
          async () => {
            const now = zonedEndpoints(await service.endpointSlicesJson());
            const problems = hintProblems(now);
            return problems.length === 0 ? now : notYet(problems.join('; '));
          },
          { what: `every endpoint of ${PREFER_CLOSE_SERVICE} hinted for its own zone`, timeoutMs: HINTS_TIMEOUT_MS, intervalMs: 500 },
        );
        expectations = zoneExpectations(cluster.facts.nodes.map((n) => ({ name: n.name, zone: n.zone })), endpoints);
        const zones = zonesWithEndpoints(endpoints);
        result.note(`endpoints by zone, each hinted for its own: ${zones.map((z) => `${z}: ${endpoints.filter((e) => e.zone === z).map((e) => `${e.pod} on ${e.node}`).join(', ')}`).join('; ')}`);
      },
    },
    {
      title: '4. a client pod on every node',
      name: 'client-pods',
      async run({ kubectl, options, cluster }) {
        clients = await ensureClientPods(kubectl, options.namespace, cluster.appImage, expectations.map((e) => e.node));
        const { clusterIP } = await service.summary();
        targets = clients.map((c) => ({ node: c.node, address: clusterIP, port: APP_PORT }));
      },
    },
    {
      title: '5. POST /api/messages from every node to the ClusterIP, and judge every node by its zone',
      name: 'traffic',
      async run(ctx) {
        const { kubectl, options, result } = ctx;
        const expectedOf = (node: string) => expectations.find((e) => e.node === node)!.expected;
        const target = hostPort(targets[0]!.address, APP_PORT);
        const label = (c: ClientPod) => `the client pod on ${c.node} (${c.ip} -> ${target})`;
        const records = await measureTraffic(ctx, {
          name: `ClusterIP ${target} with trafficDistribution PreferClose, from a pod on every node`,
          client: new PodTrafficClient(kubectl, options.namespace, new Map(clients.map((c) => [c.node, c.pod]))),
          targets,
          sized: requestsPerSourceFor(options.requestsPerNode, targets.map((t) => expectedOf(t.node).length), false, { familyAlpha: ctx.familyAlpha }),
          what: 'client pods',
          sources: clients.map((c) => ({ node: c.node, target, label: label(c) })),
          endpoints: endpoints.map(({ pod, ip, node }) => ({ pod, ip, node })),
          expected: expectedOf,
        });
        result.addChecks(expectations.map((e) => zoneCheck(e, records, endpoints, label(clients.find((c) => c.node === e.node)!), `${SLUG}/`)));
        const matrix = matrixFromRecords(records, targets.map((t) => t.node));
        result.figure({
          title: 'Answers per client node and endpoint, with their zones (trafficDistribution PreferClose)',
          columns: ['client node', 'client zone', 'endpoint', 'endpoint zone', 'answers'],
          rows: expectations.flatMap((e) => endpoints.map((ep) => [e.node, e.zone, ep.pod, ep.zone, matrix[e.node]?.[ep.pod] ?? 0])),
        });
      },
    },
  ];
}
