import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { Endpoint } from '../../queries/types.js';
import type { ContainerTrafficClient } from '../../traffic/container-client.js';
import type { VirtualIpRoute } from '../../traffic/routed-client.js';
import { yaml } from '../../util/yaml.js';
import type { FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { measureRouted, routeVirtualIps } from '../virtual-ip-traffic.js';

export const SLUG = 'external-ips';
export const EXTERNAL_IPS_SERVICE = 'kpc-external-ips';
const EXTERNAL_IPS_MANIFEST = featureFile(SLUG, 'service.yaml');

interface ServiceSpec {
  spec: { externalIPs?: string[]; ports: { port: number }[] };
}

/** A Service's external IPs, one routed through each node: each node must forward its own to every endpoint, evenly. */
export function externalIpsSteps(): FeatureStep[] {
  let client: ContainerTrafficClient;
  let routes: VirtualIpRoute[];
  let service: ServiceUnderTest;
  let endpoints: Endpoint[];
  let port: number;

  return [
    {
      title: '1. route one external IP through each node, and deploy the app behind a Service with those external IPs',
      name: 'deploy',
      async run(ctx) {
        ({ client, routes } = await routeVirtualIps(ctx, SLUG));
        const manifest = yaml().parse(readFileSync(EXTERNAL_IPS_MANIFEST, 'utf8')) as ServiceSpec;
        manifest.spec.externalIPs = routes.map((r) => r.address);
        ({ service, endpoints } = await ctx.lab.deployBehind(EXTERNAL_IPS_SERVICE, manifest, ctx.options.replicas));
        const applied = (await service.json()) as ServiceSpec;
        assert.deepEqual(applied.spec.externalIPs, manifest.spec.externalIPs, 'the API did not keep the external IPs (is the DenyServiceExternalIPs admission plugin on?)');
        port = applied.spec.ports[0]!.port;
      },
    },
    {
      title: "2. POST to each node's external IP through that node, and judge every node",
      name: 'traffic',
      async run(ctx) {
        await measureRouted(ctx, { name: `external IPs, port ${port}, each through its node`, client, routes, port, endpoints });
      },
    },
  ];
}
