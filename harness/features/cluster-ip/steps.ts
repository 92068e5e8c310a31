import assert from 'node:assert/strict';
import { ensureClientPods, type ClientPod } from '../../lab/client-pods.js';
import { APP_PORT, APP_SELECTOR } from '../../lab/helloworld-lab.js';
import type { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { Endpoint } from '../../queries/types.js';
import { judgeTraffic } from '../../report/judge-traffic.js';
import { requestsPerNodeFor } from '../../stats/requests-per-node.js';
import { awaitProgrammed } from '../../traffic/await-programmed.js';
import { sendGuarded } from '../../traffic/guarded-traffic.js';
import { PodTrafficClient } from '../../traffic/pod-client.js';
import { DEFAULT_TIMEOUT_MS, GIVE_UP_AFTER, hostPort, type TrafficTarget } from '../../traffic/traffic-plan.js';
import type { FeatureStep } from '../feature.js';
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
      async run({ kubectl, options, log, familyAlpha, result }) {
        const client = new PodTrafficClient(kubectl, options.namespace, new Map(clients.map((c) => [c.node, c.pod])));
        const silent = await awaitProgrammed(targets, 'world1', undefined, client);
        if (silent.length > 0) log.step(`no answer yet from the client pods on ${silent.join(', ')} after 30 s; measuring anyway`);
        const { requestsPerNode, sizing } = requestsPerNodeFor(options.requestsPerNode, { nodes: targets.length, endpoints: endpoints.length }, { familyAlpha });
        const plan = { targets, requestsPerNode, concurrency: options.concurrency, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER };
        const records = await sendGuarded({ kubectl, namespace: options.namespace, selector: APP_SELECTOR, client, plan, log, what: 'client pods' });
        const target = hostPort(targets[0]!.address, APP_PORT);
        result.addTraffic(
          judgeTraffic({
            name: `ClusterIP ${target} from a pod on every node`,
            client: 'pod',
            sources: clients.map((c) => ({ node: c.node, target, label: `the client pod on ${c.node} (${c.ip} -> ${target})` })),
            endpoints,
            expected: () => endpoints.map((e) => e.pod),
            records,
            requestsPerNode,
            sizing,
            familyAlpha,
            idPrefix: `${SLUG}/`,
          }),
          records,
        );
      },
    },
  ];
}
