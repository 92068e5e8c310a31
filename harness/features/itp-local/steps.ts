import assert from 'node:assert/strict';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../kube/bounds.js';
import { ensureClientPods, type ClientPod } from '../../lab/client-pods.js';
import { APP_PORT } from '../../lab/helloworld-lab.js';
import { endpointsByNode } from '../../lab/local-endpoints.js';
import type { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { Endpoint } from '../../queries/types.js';
import { unreachedCheck } from '../../report/unreached-check.js';
import { requestsPerSourceFor } from '../../stats/requests-per-node.js';
import { UNREACHED_PROBES } from '../../stats/unreached-probes.js';
import { PodTrafficClient } from '../../traffic/pod-client.js';
import { hostPort, type TrafficTarget } from '../../traffic/traffic-plan.js';
import { probeUnreached } from '../../traffic/unreached.js';
import type { FeatureStep } from '../feature.js';
import { measureTraffic } from '../measured-traffic.js';
import { featureFile } from '../feature-file.js';

export const SLUG = 'itp-local';
export const ITP_LOCAL_SERVICE = 'kpc-itp-local';
const ITP_LOCAL_MANIFEST = featureFile(SLUG, 'service.yaml');

/** internalTrafficPolicy Local, from a client pod on every node: answers come from the pod's own node, or not at all. */
export function itpLocalSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let endpoints: Endpoint[];
  let local: Map<string, Endpoint[]>;
  let clusterIP: string;
  let clients: ClientPod[];
  let holding: ClientPod[];
  let empty: ClientPod[];
  let pods: PodTrafficClient;

  const from = (c: ClientPod) => `the client pod on ${c.node} (${c.ip} -> ${hostPort(clusterIP, APP_PORT)})`;
  const targets = (nodes: ClientPod[]): TrafficTarget[] => nodes.map((c) => ({ node: c.node, address: clusterIP, port: APP_PORT }));

  return [
    {
      title: '1. deploy the app and a ClusterIP Service with internalTrafficPolicy Local',
      name: 'deploy',
      async run({ lab, options }) {
        ({ service, endpoints } = await lab.deployBehind(ITP_LOCAL_SERVICE, ITP_LOCAL_MANIFEST, options.replicas));
        const { spec } = (await service.json()) as { spec: { type: string; internalTrafficPolicy?: string } };
        assert.equal(spec.type, 'ClusterIP', `the Service is ${spec.type}, not ClusterIP`);
        assert.equal(spec.internalTrafficPolicy, 'Local', `the Service's internalTrafficPolicy is ${spec.internalTrafficPolicy}, not Local`);
        clusterIP = (await service.summary()).clusterIP;
      },
    },
    {
      title: '2. a client pod on every node; see which nodes hold endpoints',
      name: 'client-pods',
      async run({ kubectl, options, cluster, result }) {
        clients = await ensureClientPods(kubectl, options.namespace, cluster.appImage, cluster.facts.nodes.map((n) => n.name));
        local = endpointsByNode(endpoints, clients.map((c) => c.node));
        holding = clients.filter((c) => local.get(c.node)!.length > 0);
        empty = clients.filter((c) => local.get(c.node)!.length === 0);
        pods = new PodTrafficClient(kubectl, options.namespace, new Map(clients.map((c) => [c.node, c.pod])));
        result.note(`endpoints per node: ${clients.map((c) => `${c.node} ${local.get(c.node)!.length}`).join(', ')}; ClusterIP ${clusterIP}`);
        if (holding.length === 0 || empty.length === 0) {
          result.skip(holding.length === 0 ? 'no node with a client pod holds an endpoint' : `every node holds one of the ${endpoints.length} endpoints, so none can show that it forwards nothing`);
        }
      },
    },
    {
      title: '3. POST from every node that holds endpoints to the ClusterIP: only its own answer, evenly',
      name: 'traffic',
      async run(ctx) {
        const target = hostPort(clusterIP, APP_PORT);
        await measureTraffic(ctx, {
          name: `ClusterIP ${target} (internalTrafficPolicy Local) from a pod on every node that holds endpoints`,
          client: pods,
          targets: targets(holding),
          // Each node spreads over its own endpoints only: sized for the node with the most.
          sized: requestsPerSourceFor(ctx.options.requestsPerNode, holding.map((c) => local.get(c.node)!.length), false, { familyAlpha: ctx.familyAlpha }),
          what: 'client pods on nodes that hold endpoints',
          sources: holding.map((c) => ({ node: c.node, target, label: from(c) })),
          endpoints,
          expected: (node) => local.get(node)!.map((e) => e.pod),
        });
      },
    },
    {
      title: '4. from every node that holds no endpoint, no connection to the ClusterIP reaches a pod',
      name: 'no-local-endpoint',
      async run({ result }) {
        const changedAt = await service.lastChangedAt();
        const started = Date.now();
        const probes = await probeUnreached(pods, targets(empty), changedAt + PROXY_PROGRAMMING_TIMEOUT_MS, UNREACHED_PROBES);
        const span = `(probed over ${((Date.now() - started) / 1000).toFixed(1)} s, until ${((Date.now() - changedAt) / 1000).toFixed(1)} s after the Service or its endpoints last changed)`;
        result.addChecks(
          empty.map((c) =>
            unreachedCheck({
              id: `${SLUG}/no-local-endpoint/${c.node}`,
              node: c.node,
              label: from(c),
              records: probes.filter((r) => r.node === c.node),
              span,
              rule: 'under internalTrafficPolicy Local a pod on a node without an endpoint must not be sent to another node',
            }),
          ),
        );
      },
    },
  ];
}
