import assert from 'node:assert/strict';
import { ensureClientPods, type ClientPod } from '../../lab/client-pods.js';
import { APP_PORT } from '../../lab/helloworld-lab.js';
import type { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { Endpoint } from '../../queries/types.js';
import { requestsPerNodeFor } from '../../stats/requests-per-node.js';
import { PodTrafficClient } from '../../traffic/pod-client.js';
import { hostPort, type TrafficTarget } from '../../traffic/traffic-plan.js';
import type { FeatureStep } from '../feature.js';
import { measureTraffic } from '../measured-traffic.js';
import { featureFile } from '../feature-file.js';

export const SLUG = 'cluster-ip';
export const CLUSTER_IP_SERVICE = 'kpc-cluster-ip';
export const CLUSTER_IP_MANIFEST = featureFile(SLUG, 'service.yaml');

/** ClusterIP, from inside the cluster: a client pod on every node calls the Service's virtual IP. */
export function clusterIpSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let endpoints: Endpoint[];
  let clients: ClientPod[];
  let targets: TrafficTarget[];

  return [
    {
      title: '1. deploy the app and a ClusterIP Service',
      name: 'deploy',
      async run({ lab, options }) {
        ({ service, endpoints } = await lab.deployBehind(CLUSTER_IP_SERVICE, CLUSTER_IP_MANIFEST, options.replicas));
        const { type } = await service.summary();
        assert.equal(type, 'ClusterIP', `the Service is ${type}, not ClusterIP`);
      },
    },
    {
      title: '2. a client pod on every node',
      name: 'client-pods',
      async run({ kubectl, options, cluster }) {
        clients = await ensureClientPods(kubectl, options.namespace, cluster.appImage, cluster.facts.nodes.map((n) => n.name));
        const { clusterIP } = await service.summary();
        targets = clients.map((c) => ({ node: c.node, address: clusterIP, port: APP_PORT }));
      },
    },
    {
      title: '3. POST /api/messages from every node to the ClusterIP, and judge every node',
      name: 'traffic',
      async run(ctx) {
        const { kubectl, options, familyAlpha } = ctx;
        const target = hostPort(targets[0]!.address, APP_PORT);
        await measureTraffic(ctx, {
          name: `ClusterIP ${target} from a pod on every node`,
          client: new PodTrafficClient(kubectl, options.namespace, new Map(clients.map((c) => [c.node, c.pod]))),
          targets,
          sized: requestsPerNodeFor(options.requestsPerNode, { nodes: targets.length, endpoints: endpoints.length }, { familyAlpha }),
          what: 'client pods',
          sources: clients.map((c) => ({ node: c.node, target, label: `the client pod on ${c.node} (${c.ip} -> ${target})` })),
          endpoints,
          expected: () => endpoints.map((e) => e.pod),
        });
      },
    },
  ];
}
