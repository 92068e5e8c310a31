import assert from 'node:assert/strict';
import type { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { Endpoint } from '../../queries/types.js';
import { chooseClient } from '../../traffic/choose-client.js';
import { hostPort, type TrafficTarget } from '../../traffic/traffic-plan.js';
import type { FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { measureTraffic, sizedFor, trafficShare } from '../measured-traffic.js';
import { measureFromClientPods } from '../client-pod-traffic.js';
import { ipv6InternalIps } from './node-addresses.js';

export const SLUG = 'dual-stack';
export const DUAL_STACK_SERVICE = 'kpc-dual-stack';
const DUAL_STACK_MANIFEST = featureFile(SLUG, 'service.yaml');

/** The Service's IPv6 ClusterIP (of spec.clusterIPs), as the fault needs it too. */
export async function ipv6ClusterIp(service: ServiceUnderTest): Promise<string> {
  const { spec } = (await service.json()) as { spec: { clusterIPs?: string[]; ipFamilies?: string[] } };
  const ip = (spec.clusterIPs ?? []).find((a) => a.includes(':'));
  assert.ok(ip, `the Service has no IPv6 ClusterIP (ipFamilies ${JSON.stringify(spec.ipFamilies ?? [])}, clusterIPs ${JSON.stringify(spec.clusterIPs ?? [])})`);
  return ip;
}

/**
 * A dual-stack NodePort Service, over IPv6: through every node's IPv6 address from outside, and to
 * the IPv6 ClusterIP from a pod on every node, each judged like the NodePort lab (forwarding,
 * reach, balance per node). IPv4 is what every other feature sends.
 */
export function dualStackSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let endpoints: Endpoint[];
  let nodePort: number;

  return [
    {
      title: '1. deploy the app behind a NodePort Service with an IPv4 and an IPv6 ClusterIP (RequireDualStack)',
      name: 'deploy',
      async run({ lab, options }) {
        ({ service, endpoints } = await lab.deployBehind(DUAL_STACK_SERVICE, DUAL_STACK_MANIFEST, options.replicas));
        const summary = await service.summary();
        assert.equal(summary.type, 'NodePort', `the Service is ${summary.type}, not NodePort`);
        assert.ok(summary.nodePort, 'the Service has no nodePort');
        nodePort = summary.nodePort;
        await ipv6ClusterIp(service);
      },
    },
    {
      title: "2. POST /api/messages through every node's IPv6 address and nodePort, and judge every node",
      name: 'node-port-ipv6',
      async run(ctx) {
        const { kubectl, options, cluster } = ctx;
        const addresses = await ipv6InternalIps(kubectl);
        const nodes = cluster.discovery.addressed.map((n) => n.name);
        const missing = nodes.filter((n) => !addresses.has(n));
        assert.deepEqual(missing, [], `nodes without an IPv6 InternalIP: ${missing.join(', ')}`);
        const targets: TrafficTarget[] = nodes.map((node) => ({ node, address: addresses.get(node)!, port: nodePort }));
        const client = await chooseClient(options.client, { runId: options.runId, appImage: cluster.appImage, dockerNetwork: cluster.dockerNetwork, targets });
        try {
          const shared = trafficShare(ctx, 2, 'node-port-');
          await measureTraffic(shared, {
            name: `nodePort ${nodePort} on every node's IPv6 address`,
            client,
            targets,
            sized: sizedFor(shared, targets.length, endpoints.length),
            what: 'nodes',
            sources: targets.map((t) => ({ node: t.node, target: hostPort(t.address, t.port), label: `node ${t.node} (${hostPort(t.address, t.port)})` })),
            unreachable: cluster.discovery.unaddressed,
            endpoints,
            expected: () => endpoints.map((e) => e.pod),
          });
        } finally {
          await client.close();
        }
      },
    },
    {
      title: '3. POST /api/messages from a pod on every node to the IPv6 ClusterIP, and judge every node',
      name: 'cluster-ip-ipv6',
      async run(ctx) {
        const port = (await service.summary()).ports[0]!.port;
        await measureFromClientPods(trafficShare(ctx, 2, 'cluster-ip-'), { what: 'IPv6 ClusterIP', address: await ipv6ClusterIp(service), port, endpoints });
      },
    },
  ];
}
