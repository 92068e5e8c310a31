import assert from 'node:assert/strict';
import { appWithPorts, type AppList } from '../../lab/app-manifests.js';
import { APP_NAME, APP_SELECTOR } from '../../lab/helloworld-lab.js';
import { ServiceUnderTest } from '../../lab/service-under-test.js';
import { waitForRollout } from '../../kube/rollout.js';
import type { Endpoint } from '../../queries/types.js';
import { awaitProgrammed } from '../../traffic/await-programmed.js';
import { chooseClient } from '../../traffic/choose-client.js';
import { hostPort } from '../../traffic/traffic-plan.js';
import type { FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { measureTraffic, sizedFor } from '../measured-traffic.js';
import { containerPortOf, targetPortCheck, type ServicePort } from './ports.js';

export const SLUG = 'multi-port';
export const MULTI_PORT_SERVICE = 'kpc-multi-port';
const MULTI_PORT_MANIFEST = featureFile(SLUG, 'service.yaml');
/** The app's second port (its ALT_PORT), which the Service's second port targets by number. */
export const ALT_PORT = 9090;

/** The lab's Deployment, serving its API on ALT_PORT too (a port of the pod named alt-server). */
export function appWithAltPort(image: string, replicas: number): AppList {
  return appWithPorts(image, replicas, [{ env: 'ALT_PORT', name: 'alt-server', containerPort: ALT_PORT, protocol: 'TCP' }]);
}

/**
 * A Service with two ports, through every node's NodePort: each port's traffic is judged like the
 * NodePort lab's (forwarding, reach, balance per node) and must come in on that port's own
 * container port.
 */
export function multiPortSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let endpoints: Endpoint[];
  let ports: ServicePort[];

  return [
    {
      title: '1. deploy the app on two ports and a NodePort Service with two ports, one targeting a named port',
      name: 'deploy',
      async run({ kubectl, options, cluster }) {
        const app = appWithAltPort(cluster.appImage, options.replicas);
        service = new ServiceUnderTest(kubectl, options.namespace, MULTI_PORT_SERVICE);
        await service.apply(app);
        await service.apply(MULTI_PORT_MANIFEST);
        await waitForRollout(kubectl, options.namespace, APP_NAME, APP_SELECTOR);
        endpoints = await service.readyEndpoints(options.replicas);
        const spec = (await service.json()) as { spec: { type: string; ports: { name: string; port: number; targetPort: number | string; nodePort?: number }[] } };
        assert.equal(spec.spec.type, 'NodePort', `the Service is ${spec.spec.type}, not NodePort`);
        assert.equal(spec.spec.ports.length, 2, `the Service has ${spec.spec.ports.length} ports, not 2`);
        const containerPorts = app.items.flatMap((i) => i.spec?.template?.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
        ports = spec.spec.ports.map((p) => {
          assert.ok(p.nodePort, `the Service's port ${p.name} has no nodePort`);
          return { name: p.name, nodePort: p.nodePort, containerPort: containerPortOf(p.targetPort, containerPorts) };
        });
        assert.notEqual(ports[0]!.containerPort, ports[1]!.containerPort, 'the two ports must target different container ports');
      },
    },
    ...[0, 1].map(
      (i): FeatureStep => ({
        title: `${i + 2}. POST /api/messages through every node's nodePort of the Service's ${i === 0 ? 'first' : 'second'} port, and judge every node`,
        name: `traffic-${i === 0 ? 'first' : 'second'}-port`,
        async run(ctx) {
          const { options, cluster } = ctx;
          const port = ports[i]!;
          const targets = cluster.discovery.addressed.map((n) => ({ node: n.name, address: n.address, port: port.nodePort }));
          // Two measured traffics: each at half the feature's share of the run's alpha.
          const familyAlpha = ctx.familyAlpha / ports.length;
          const sized = sizedFor({ ...ctx, familyAlpha }, targets.length, endpoints.length);
          if (options.client !== 'pods') await awaitProgrammed(targets, 'world1');
          const client = await chooseClient(options.client, { runId: options.runId, appImage: cluster.appImage, dockerNetwork: cluster.dockerNetwork, targets });
          try {
            const prefix = `${ctx.checkPrefix}${port.name}-`;
            const records = await measureTraffic(
              { ...ctx, familyAlpha, checkPrefix: prefix },
              {
                name: `Service port ${port.name} (nodePort ${port.nodePort} -> container port ${port.containerPort}) through every node`,
                client,
                targets,
                sized,
                what: 'nodes',
                sources: targets.map((t) => ({ node: t.node, target: hostPort(t.address, t.port), label: `node ${t.node} (${hostPort(t.address, t.port)}, Service port ${port.name})` })),
                unreachable: cluster.discovery.unaddressed,
                endpoints,
                expected: () => endpoints.map((e) => e.pod),
              },
            );
            ctx.result.addChecks(targets.map((t) => targetPortCheck(`${prefix}target-port/${t.node}`, t.node, port, records)));
          } finally {
            await client.close();
          }
        },
      }),
    ),
  ];
}
