import assert from 'node:assert/strict';
import { APP_NAME, APP_PORT, type HelloworldLab } from '../../lab/helloworld-lab.js';
import { JqRunner } from '../../queries/jq-runner.js';
import type { Endpoint, NodeDiscovery } from '../../queries/types.js';
import { awaitProgrammed } from '../../traffic/await-programmed.js';
import { chooseClient } from '../../traffic/choose-client.js';
import { hostPort } from '../../traffic/traffic-plan.js';
import type { FeatureStep } from '../feature.js';
import { measureTraffic, sizedFor } from '../measured-traffic.js';

/** The lab's Service's nodePort once `change` made it a NodePort Service (asserted). */
async function nodePortAfter(lab: HelloworldLab, change: string): Promise<number> {
  const service = (await JqRunner.load()).service(await lab.serviceJson());
  assert.equal(service.type, 'NodePort', `after ${change} the Service is ${service.type}, not NodePort`);
  assert.ok(service.nodePort, `after ${change} the Service has no nodePort`);
  return service.nodePort;
}

/**
 * The NodePort lab, step by step, as a user would type it; the last two steps turn its claim
 * ("via any node's address, traffic reaches the service and is spread over all of its pods")
 * into a verdict per node and per endpoint.
 */
export function nodePortSteps(): FeatureStep[] {
  let port: number;
  let endpoints: Endpoint[];
  let discovery: NodeDiscovery;

  return [
    {
      title: '1. deploy helloworld and its ClusterIP Service',
      name: 'deploy',
      async run({ lab, options }) {
        await lab.deploy(options.replicas);
        await lab.waitForRollout();
        const service = (await JqRunner.load()).service(await lab.serviceJson());
        assert.equal(service.type, 'ClusterIP', `the lab's Service is ${service.type}, not ClusterIP`);
        assert.equal(service.ports[0]?.port, APP_PORT, `the lab's Service listens on ${service.ports[0]?.port}, not ${APP_PORT}`);
        assert.equal(service.ports[0]?.targetPort, 'http-server', `the lab's Service targets ${service.ports[0]?.targetPort}, not http-server`);
      },
    },
    {
      title: '2. the ClusterIP Service answers inside the cluster',
      name: 'cluster-ip',
      async run({ lab }) {
        const service = (await lab.serviceJson()) as { spec: { clusterIP: string } };
        for (const reply of await lab.postFromInsideOnceProgrammed([service.spec.clusterIP, APP_NAME])) {
          const body = JSON.parse(reply.body ?? '{}') as { sender?: string; message?: string };
          assert.equal(body.sender, 'in-cluster', `the in-cluster POST was answered with ${reply.body ?? reply.error}`);
          assert.equal(body.message, 'Hello in-cluster (direct)', `the in-cluster POST was answered with ${reply.body}`);
        }
      },
    },
    {
      title: "3. patch the Service to NodePort (the lab's kubectl patch)",
      name: 'patch',
      async run({ lab }) {
        await lab.patchToNodePort();
        port = await nodePortAfter(lab, 'the patch');
      },
    },
    {
      title: '4. apply helloworld-service-nodeport.yaml: the same Service, its nodePort kept',
      name: 'apply-nodeport-file',
      async run({ lab }) {
        await lab.applyNodePortManifest();
        const kept = await nodePortAfter(lab, 'the file');
        assert.equal(kept, port, `the file changed the nodePort from ${port} to ${kept}`);
      },
    },
    {
      title: '5. describe: type NodePort, a nodePort in 30000-32767, endpoints are the ready pods',
      name: 'describe',
      async run({ lab }) {
        endpoints = await lab.waitForReadyEndpoints(await lab.replicas());
        const described = await lab.describeService();
        assert.match(described, /^Type:\s+NodePort$/m, 'kubectl describe shows Type: NodePort');
        const describedPort = Number(/^NodePort:\s+\S*\s+(\d+)\/TCP$/m.exec(described)?.[1]);
        assert.ok(describedPort >= 30000 && describedPort <= 32767, `kubectl describe shows NodePort ${describedPort}, outside 30000-32767`);
        // kubectl lists at most 3 endpoints, then "+ N more...".
        const [, list = '', more = '0'] = /^Endpoints:\s+(.*?)(?: \+ (\d+) more\.\.\.)?$/m.exec(described) ?? [];
        const listed = list.split(',').map((s) => s.trim()).sort();
        const ready = endpoints.map((e) => `${e.ip}:${APP_PORT}`);
        assert.equal(listed.length + Number(more), ready.length, `kubectl describe lists ${listed.length + Number(more)} endpoints, ${ready.length} are ready`);
        for (const address of listed) assert.ok(ready.includes(address), `described endpoint ${address} is not a ready one (${ready.join(', ')})`);
      },
    },
    {
      title: "6. find every node's address and the NodePort with jq",
      name: 'discover',
      async run({ lab, options, result }) {
        const jq = await JqRunner.load();
        const nodeList = await lab.nodesJson();
        discovery = jq.nodeAddresses(nodeList, options.addressType);
        assert.equal(jq.labNodePort(await lab.serviceJson()), port, `the lab query .spec.ports[0].nodePort does not give ${port}`);
        assert.deepEqual(discovery.unaddressed, [], 'nodes with no usable address');
        assert.ok(discovery.addressed.length > 0, 'no node has an address');
        if (jq.labFirstNodeExternalIps(nodeList).length === 0) {
          result.note("the lab's ExternalIP query finds nothing on these nodes (kind nodes have none); each node's InternalIP was used");
        }
      },
    },
    {
      title: "7. POST /api/messages through every node's NodePort, and judge every node",
      name: 'traffic',
      async run(ctx) {
        const { options, cluster } = ctx;
        const targets = discovery.addressed.map((n) => ({ node: n.name, address: n.address, port }));
        const sized = sizedFor(ctx, targets.length, endpoints.length);
        // "auto" takes the host client only if it reaches every node: the NodePort must answer first.
        if (options.client !== 'pods') await awaitProgrammed(targets, 'world1');
        const inCluster = { kubectl: ctx.kubectl, namespace: options.namespace };
        const client = await chooseClient(options.client, { runId: options.runId, appImage: cluster.appImage, dockerNetwork: cluster.dockerNetwork, targets, inCluster });
        try {
          await measureTraffic(ctx, {
            name: `NodePort ${port} through every node`,
            client,
            targets,
            sized,
            what: 'nodes',
            sources: targets.map((t) => ({ node: t.node, target: hostPort(t.address, port), label: `node ${t.node} (${hostPort(t.address, port)})` })),
            unreachable: discovery.unaddressed,
            endpoints,
            expected: () => endpoints.map((e) => e.pod),
          });
        } finally {
          await client.close();
        }
      },
    },
  ];
}
