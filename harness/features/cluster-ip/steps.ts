import assert from 'node:assert/strict';
import { APP_PORT } from '../../lab/helloworld-lab.js';
import type { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { Endpoint } from '../../queries/types.js';
import type { FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { measureFromClientPods } from '../client-pod-traffic.js';

export const SLUG = 'cluster-ip';
export const CLUSTER_IP_SERVICE = 'kpc-cluster-ip';
export const CLUSTER_IP_MANIFEST = featureFile(SLUG, 'service.yaml');

/** ClusterIP, from inside the cluster: a client pod on every node calls the Service's virtual IP. */
export function clusterIpSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let endpoints: Endpoint[];

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
      title: '2. POST /api/messages from a client pod on every node to the ClusterIP, and judge every node',
      name: 'traffic',
      async run(ctx) {
        const { clusterIP } = await service.summary();
        await measureFromClientPods(ctx, { what: 'ClusterIP', address: clusterIP, port: APP_PORT, endpoints });
      },
    },
  ];
}
