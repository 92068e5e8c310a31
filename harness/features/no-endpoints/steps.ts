import { setTimeout as delay } from 'node:timers/promises';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../kube/bounds.js';
import { waitForRollout } from '../../kube/rollout.js';
import { renderAppManifest } from '../../lab/app-manifests.js';
import { ensureClientPods, type ClientPod } from '../../lab/client-pods.js';
import { APP_PORT } from '../../lab/helloworld-lab.js';
import { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { CheckLine } from '../../report/report-types.js';
import { awaitEach, type Convergence } from '../../traffic/await-programmed.js';
import { chooseClient } from '../../traffic/choose-client.js';
import { ContainerTrafficClient } from '../../traffic/container-client.js';
import { PodTrafficClient } from '../../traffic/pod-client.js';
import type { RequestRecord } from '../../traffic/request-record.js';
import type { TrafficClient } from '../../traffic/traffic-client.js';
import { GIVE_UP_AFTER, hostPort, type TrafficTarget } from '../../traffic/traffic-plan.js';
import { notYet, waitFor } from '../../util/wait.js';
import type { FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { describeOutcome, isRefusal, OWN_SOURCE_ADDRESS_REASON, REFUSAL_PROBE_SPACING_MS, REFUSED_WITHIN_MS } from './refusal.js';

export const SLUG = 'no-endpoints';
export const NO_ENDPOINTS_NAME = 'kpc-no-endpoints';
export const NO_ENDPOINTS_MANIFEST = featureFile(SLUG, 'no-endpoints.yaml');

/** Connections after the first refusal that must each be refused too. */
const CONFIRMATIONS = 5;

/** Connections to a Service whose last endpoint went must be refused at once, on every node. */
export function noEndpointsSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let clients: ClientPod[];
  let nodePortTargets: TrafficTarget[];
  let clusterIpTargets: TrafficTarget[];
  let wentAt: number;

  /**
   * Probes until each target refuses (30 s), then confirms with 5 more connections that must all
   * be refused; one probe per path at a time, REFUSAL_PROBE_SPACING_MS apart (the kernel's ICMP rate).
   */
  async function judgePath(client: TrafficClient, targets: TrafficTarget[], path: string, label: (t: TrafficTarget) => string) {
    const converged = await awaitEach(client, targets, isRefusal, { since: wentAt, probeTimeoutMs: REFUSED_WITHIN_MS, intervalMs: REFUSAL_PROBE_SPACING_MS });
    const confirmed: RequestRecord[] = [];
    for (let round = 0; round < CONFIRMATIONS; round++) {
      await delay(REFUSAL_PROBE_SPACING_MS);
      confirmed.push(...(await client.send({ targets, requestsPerNode: 1, concurrency: targets.length, timeoutMs: REFUSED_WITHIN_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER })));
    }
    const checks: CheckLine[] = targets.map((t) => {
      const c = converged.find((x) => x.node === t.node)!;
      const after = confirmed.filter((r) => r.node === t.node);
      const bad = after.filter((r) => !isRefusal(r));
      const base = { id: `${SLUG}/${path}/${t.node}`, node: t.node, endpoint: null };
      if (c.afterMs === null) {
        return { ...base, status: 'fail', message: `${label(t)}: not refused ${PROXY_PROGRAMMING_TIMEOUT_MS / 1000} s after the last endpoint went: ${describeOutcome(c.last)}` };
      }
      if (bad.length > 0) {
        return { ...base, status: 'fail', message: `${label(t)}: refused after ${(c.afterMs / 1000).toFixed(1)} s, but then ${bad.length} of ${after.length} connections were not: ${describeOutcome(bad[0]!)}` };
      }
      const refusal = after[0] ?? c.last!;
      return { ...base, status: 'pass', message: `${label(t)}: refused (${refusal.error?.split(':')[0]} in ${Math.round(refusal.latencyMs)} ms) ${(c.afterMs / 1000).toFixed(1)} s after the last endpoint went, and ${after.length} of ${after.length} times after` };
    });
    return { converged, checks };
  }

  return [
    {
      title: '1. deploy a one-replica app behind a NodePort Service',
      name: 'deploy',
      async run({ kubectl, options, cluster }) {
        service = new ServiceUnderTest(kubectl, options.namespace, NO_ENDPOINTS_NAME);
        // Applied with one replica: a rerun finds it scaled to zero by the last one.
        await service.apply(renderAppManifest(NO_ENDPOINTS_MANIFEST, { image: cluster.appImage, replicas: 1 }));
        await waitForRollout(kubectl, options.namespace, NO_ENDPOINTS_NAME, `app=${NO_ENDPOINTS_NAME}`);
        await service.readyEndpoints(1);
        const { nodePort, clusterIP } = await service.summary();
        nodePortTargets = cluster.discovery.addressed.map((n) => ({ node: n.name, address: n.address, port: nodePort! }));
        clusterIpTargets = cluster.facts.nodes.map((n) => ({ node: n.name, address: clusterIP, port: APP_PORT }));
      },
    },
    {
      title: '2. a client pod on every node',
      name: 'client-pods',
      async run({ kubectl, options, cluster }) {
        clients = await ensureClientPods(kubectl, options.namespace, cluster.appImage, clusterIpTargets.map((t) => t.node));
      },
    },
    {
      title: '3. scale the app to zero and wait until its last endpoint is gone',
      name: 'scale-to-zero',
      async run({ kubectl, options }) {
        await kubectl.run(['scale', `deployment/${NO_ENDPOINTS_NAME}`, '--replicas=0'], { namespace: options.namespace });
        // Gone, not merely terminating: a proxy may still use a serving terminating endpoint when no other is left.
        await waitFor(
          async () => {
            const slices = (await service.endpointSlicesJson()) as { items: { endpoints?: unknown[] }[] };
            const left = slices.items.reduce((n, s) => n + (s.endpoints?.length ?? 0), 0);
            return left === 0 ? true : notYet(`${left} endpoints still listed`);
          },
          { what: `the last endpoint of ${NO_ENDPOINTS_NAME} to go`, timeoutMs: 60_000, intervalMs: 250 },
        );
        wentAt = Date.now();
      },
    },
    {
      title: '4. every node refuses the NodePort and the ClusterIP at once',
      name: 'refusals',
      async run({ kubectl, options, cluster, log, result }) {
        // A source address of its own where the cluster's Docker network is known (OWN_SOURCE_ADDRESS_REASON).
        let outside: TrafficClient;
        if (cluster.dockerNetwork) {
          if (options.client === 'host') log.info(OWN_SOURCE_ADDRESS_REASON);
          outside = await ContainerTrafficClient.start(cluster.appImage, cluster.dockerNetwork, options.runId);
        } else {
          outside = await chooseClient(options.client, { runId: options.runId, appImage: cluster.appImage, targets: nodePortTargets });
        }
        const inside = new PodTrafficClient(kubectl, options.namespace, new Map(clients.map((c) => [c.node, c.pod])));
        try {
          const [viaNodePort, viaClusterIp] = await Promise.all([
            judgePath(outside, nodePortTargets, 'node-port', (t) => `node ${t.node} (${hostPort(t.address, t.port)})`),
            judgePath(inside, clusterIpTargets, 'cluster-ip', (t) => `the client pod on ${t.node} -> ClusterIP ${hostPort(t.address, t.port)}`),
          ]);
          result.addChecks([...viaNodePort.checks, ...viaClusterIp.checks]);
          result.figure({
            title: 'Time from the last endpoint going to the first refusal, per node',
            columns: ['node', 'NodePort (s)', 'ClusterIP from a pod on the node (s)'],
            rows: clusterIpTargets.map((t) => [t.node, seconds(viaNodePort.converged.find((c) => c.node === t.node)), seconds(viaClusterIp.converged.find((c) => c.node === t.node))]),
          });
          log.info(`refusals: ${[...viaNodePort.checks, ...viaClusterIp.checks].filter((c) => c.status === 'pass').length} of ${viaNodePort.checks.length + viaClusterIp.checks.length} paths`);
        } finally {
          await outside.close();
        }
      },
    },
  ];
}

function seconds(c: Convergence | undefined): number | null {
  return c?.afterMs === null || c === undefined ? null : Number((c.afterMs / 1000).toFixed(2));
}
