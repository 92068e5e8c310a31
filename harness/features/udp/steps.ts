import assert from 'node:assert/strict';
import { appWithPorts } from '../../lab/app-manifests.js';
import { APP_NAME, APP_SELECTOR } from '../../lab/helloworld-lab.js';
import { ServiceUnderTest } from '../../lab/service-under-test.js';
import { waitForPodsSettled, waitForRollout } from '../../kube/rollout.js';
import type { Endpoint } from '../../queries/types.js';
import { answers, chooseClient } from '../../traffic/choose-client.js';
import { UdpFlow } from '../../traffic/udp-flow.js';
import { hostPort, type TrafficTarget } from '../../traffic/traffic-plan.js';
import { notYet, waitFor } from '../../util/wait.js';
import type { FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { measureTraffic, sizedFor, trafficShare } from '../measured-traffic.js';
import { measureFromClientPods } from '../client-pod-traffic.js';
import { flowOutcome, STALE_FLOW_BOUND_MS, staleFlowCheck, type FlowOutcome } from './stale-flows.js';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../kube/bounds.js';

export const SLUG = 'udp';
export const UDP_SERVICE = 'kpc-udp';
const UDP_MANIFEST = featureFile(SLUG, 'service.yaml');
/** The app's UDP port: the number of its HTTP port (a port number is per protocol). */
export const UDP_PORT = 8080;
/** A flow sends a datagram every 100 ms: a recovery is timed to a tenth of a second, at 10 datagrams/s per node. */
const FLOW_INTERVAL_MS = 100;

/**
 * The app's message over UDP, each datagram from a new source port: through every node's NodePort
 * from outside, and to the ClusterIP from a pod on every node. Then one flow per node that keeps
 * its source port while the pods it was answered by are deleted: each node's proxy must clear the
 * flow's conntrack entry so that it reaches a live pod again.
 */
export function udpSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let endpoints: Endpoint[];
  let nodePort: number;

  return [
    {
      title: "1. deploy the app answering on a UDP port too, behind a NodePort Service with one UDP port",
      name: 'deploy',
      async run({ kubectl, options, cluster }) {
        service = new ServiceUnderTest(kubectl, options.namespace, UDP_SERVICE);
        await service.apply(appWithPorts(cluster.appImage, options.replicas, [{ env: 'UDP_PORT', name: 'udp-server', containerPort: UDP_PORT, protocol: 'UDP' }]));
        await service.apply(UDP_MANIFEST);
        await waitForRollout(kubectl, options.namespace, APP_NAME, APP_SELECTOR);
        await waitForPodsSettled(kubectl, options.namespace, APP_SELECTOR, options.replicas);
        endpoints = await service.readyEndpoints(options.replicas);
        const summary = await service.summary();
        assert.equal(summary.ports[0]?.protocol, 'UDP', `the Service's port is ${summary.ports[0]?.protocol}, not UDP`);
        assert.ok(summary.nodePort, 'the Service has no nodePort');
        nodePort = summary.nodePort;
      },
    },
    {
      title: "2. one datagram per source port through every node's UDP nodePort, and judge every node",
      name: 'node-port',
      async run(ctx) {
        const { options, cluster } = ctx;
        const targets = cluster.discovery.addressed.map((n) => ({ node: n.name, address: n.address, port: nodePort }));
        const client = await chooseClient(options.client, { runId: options.runId, appImage: cluster.appImage, dockerNetwork: cluster.dockerNetwork, targets });
        try {
          const shared = trafficShare(ctx, 2, 'node-port-');
          await measureTraffic(shared, {
            name: `UDP nodePort ${nodePort} through every node`,
            client,
            targets,
            sized: sizedFor(shared, targets.length, endpoints.length),
            what: 'nodes',
            sources: targets.map((t) => ({ node: t.node, target: hostPort(t.address, t.port), label: `node ${t.node} (${hostPort(t.address, t.port)}/udp)` })),
            unreachable: cluster.discovery.unaddressed,
            endpoints,
            expected: () => endpoints.map((e) => e.pod),
            protocol: 'udp',
          });
        } finally {
          await client.close();
        }
      },
    },
    {
      title: '3. one datagram per source port from a pod on every node to the ClusterIP, and judge every node',
      name: 'cluster-ip',
      async run(ctx) {
        const { clusterIP, ports } = await service.summary();
        await measureFromClientPods(trafficShare(ctx, 2, 'cluster-ip-'), { what: 'UDP ClusterIP', address: clusterIP, port: ports[0]!.port, endpoints, protocol: 'udp' });
      },
    },
    {
      title: "4. stale flows: one flow per node from a fixed source port; its pods are replaced; every node's flow must reach a live pod again",
      name: 'stale-flows',
      async run({ kubectl, options, cluster, result, log, onEnd }) {
        const targets: TrafficTarget[] = cluster.discovery.addressed.map((n) => ({ node: n.name, address: n.address, port: nodePort }));
        const unreachable = (await Promise.all(targets.map(async (t) => ((await answers(t.address, t.port)) ? null : t.node)))).filter((n) => n !== null);
        if (unreachable.length > 0) {
          result.note(`stale flows not checked: this host cannot reach ${unreachable.join(', ')} (the flows are sent from certify's own process)`);
          return;
        }
        const flows = await Promise.all(targets.map((t) => UdpFlow.start(t, 'world1', FLOW_INTERVAL_MS)));
        const stop = () => flows.forEach((f) => f.stop());
        onEnd(async () => stop());
        // Every flow pinned to a pod first: an answer on each.
        await waitFor(async () => {
          const silent = flows.filter((f) => f.lastPod === null).map((f) => f.target.node);
          return silent.length === 0 ? true : notYet(`no answer yet through ${silent.join(', ')}`);
        }, { what: 'an answer on every flow', timeoutMs: PROXY_PROGRAMMING_TIMEOUT_MS, intervalMs: FLOW_INTERVAL_MS }).catch(() => undefined);
        const before = new Map(flows.map((f) => [f.target.node, f.lastPod]));
        const doomed = new Set([...before.values()].filter((p): p is string => p !== null));
        // The replacements first, ready and in the Service's endpoints, so a live pod waits for every flow (as upstream's test does).
        const replicas = options.replicas + doomed.size;
        log.step(`flows pinned to ${[...doomed].join(', ')}; scaling to ${replicas} so live pods wait, then deleting those`);
        await kubectl.run(['scale', 'deployment', APP_NAME, `--replicas=${replicas}`], { namespace: options.namespace });
        await waitForRollout(kubectl, options.namespace, APP_NAME, APP_SELECTOR);
        await service.readyEndpoints(replicas);
        const deletedAt = Date.now();
        await kubectl.run(['delete', 'pod', ...doomed, '--wait=false'], { namespace: options.namespace });
        await waitFor(async () => {
          const waiting = flows.filter((f) => f.firstAnswerFrom(deletedAt, doomed) === null).map((f) => f.target.node);
          return waiting.length === 0 ? true : notYet(`${waiting.join(', ')} still without a live pod`);
        }, { what: 'every flow to reach a live pod', timeoutMs: STALE_FLOW_BOUND_MS, intervalMs: FLOW_INTERVAL_MS }).catch(() => undefined);
        stop();
        const outcomes: FlowOutcome[] = flows.map((f) => flowOutcome(f, before.get(f.target.node) ?? null, deletedAt, doomed));
        result.addChecks(outcomes.map((o) => staleFlowCheck(`${SLUG}/stale-flow/${o.node}`, o, `node ${o.node} (${hostPort(targets.find((t) => t.node === o.node)!.address, nodePort)}/udp)`)));
        result.figure({
          title: 'Per node: one UDP flow from a fixed source port, its pod deleted; seconds to the first answer from a live pod',
          columns: ['node', 'source port', 'pod before', 'live pod after', 'answered again after (s)', 'last answer from a deleted pod (s)'],
          rows: outcomes.map((o) => [o.node, o.sourcePort, o.before, o.after, o.recoveredAfterS, o.lastOldAfterS]),
        });
        // Back to the run's replicas, with nothing left terminating: the next run measures a settled app.
        await kubectl.run(['scale', 'deployment', APP_NAME, `--replicas=${options.replicas}`], { namespace: options.namespace });
        await waitForPodsSettled(kubectl, options.namespace, APP_SELECTOR, options.replicas);
      },
    },
  ];
}
