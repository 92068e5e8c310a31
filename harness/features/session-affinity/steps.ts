import assert from 'node:assert/strict';
import { APP_SELECTOR } from '../../lab/helloworld-lab.js';
import type { Endpoint } from '../../queries/types.js';
import { awaitProgrammed } from '../../traffic/await-programmed.js';
import { ContainerTrafficClient } from '../../traffic/container-client.js';
import { sendGuarded } from '../../traffic/guarded-traffic.js';
import { ManySourcesClient } from '../../traffic/many-sources-client.js';
import { DEFAULT_TIMEOUT_MS, GIVE_UP_AFTER, hostPort, type TrafficTarget } from '../../traffic/traffic-plan.js';
import type { FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { affinityClients, requestsPerClient } from './sizing.js';
import { judgeAffinity } from './stickiness.js';

export const SLUG = 'session-affinity';
export const SESSION_AFFINITY_SERVICE = 'kpc-session-affinity';
const SESSION_AFFINITY_MANIFEST = featureFile(SLUG, 'service.yaml');

/**
 * Why sessionAffinityConfig.clientIP.timeoutSeconds is not checked: every new connection renews a
 * client's affinity entry (iptables `recent --set`, the nftables affinity set's `update`), so
 * expiry can only be seen by a client that stays silent for the timeout plus however long the
 * proxy takes to expire it, then asks once. That silence is a sleep standing in for a wait on a
 * state the harness cannot observe without renewing it (upstream sleeps timeoutSeconds + 5 s,
 * with a 125 s timeout, up to 10 times), and after it a client only MAY move (1 - 1/k).
 */
export const TIMEOUT_NOT_CHECKED =
  'sessionAffinityConfig timeoutSeconds is not checked: each connection renews the affinity, so its expiry shows only after a silence of the timeout plus an unobservable expiry delay (a sleep, not a wait on a condition)';

/** Session affinity by client IP: many clients, each with its own address, through every node. */
export function sessionAffinitySteps(): FeatureStep[] {
  let endpoints: Endpoint[];
  let targets: TrafficTarget[];
  let containers: ContainerTrafficClient[] = [];
  let clients: ManySourcesClient | undefined;
  let clientCount: number;
  let perClient: number;

  return [
    {
      title: '1. deploy the app behind a NodePort Service with sessionAffinity ClientIP',
      name: 'deploy',
      async run({ lab, options, cluster, onEnd }) {
        onEnd(async () => clients?.close());
        const deployed = await lab.deployBehind(SESSION_AFFINITY_SERVICE, SESSION_AFFINITY_MANIFEST, options.replicas);
        endpoints = deployed.endpoints;
        const { spec } = (await deployed.service.json()) as { spec: { sessionAffinity?: string } };
        assert.equal(spec.sessionAffinity, 'ClientIP', `the Service's sessionAffinity is ${spec.sessionAffinity}, not ClientIP`);
        const { nodePort } = await deployed.service.summary();
        targets = cluster.discovery.addressed.map((n) => ({ node: n.name, address: n.address, port: nodePort! }));
      },
    },
    {
      title: '2. clients with distinct source addresses: one container each on the cluster network',
      name: 'clients',
      async run({ options, cluster, log, familyAlpha, result }) {
        clientCount = affinityClients(endpoints.length, targets.length, familyAlpha);
        perClient = requestsPerClient(endpoints.length, targets.length, clientCount, familyAlpha);
        result.note(
          `${clientCount} clients, ${perClient} requests each through each of ${targets.length} nodes: at alpha ${familyAlpha.toPrecision(3)} over ${endpoints.length} endpoints, the clients of a node all land on one endpoint by luck with at most that probability, and a proxy that picks at random for every connection looks sticky to some client with at most that probability`,
        );
        result.note(TIMEOUT_NOT_CHECKED);
        log.step(`starting ${clientCount} client containers on ${cluster.dockerNetwork}`);
        const started = Date.now();
        const starting = Array.from({ length: clientCount }, () => ContainerTrafficClient.start(cluster.appImage, cluster.dockerNetwork!, options.runId));
        // Every start is awaited, even when one fails, so that the feature's end removes every container.
        const settled = await Promise.allSettled(starting);
        containers = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value);
        clients = containers.length > 0 ? new ManySourcesClient(containers) : undefined;
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed) throw failed.reason;
        const addresses = new Set(containers.map((c) => c.address)).size;
        assert.equal(addresses, clientCount, `${clientCount} client containers have only ${addresses} addresses`);
        log.info(`${clientCount} client containers up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      },
    },
    {
      title: '3. through every node, each client sends its requests one after another; judge every node',
      name: 'traffic',
      async run({ kubectl, options, log, result, lane }) {
        // One of the clients waits for the new NodePort to answer on every node (its first pick then is its affinity).
        const silent = await awaitProgrammed(targets, 'world1', undefined, clients!.sources[0]!);
        if (silent.length > 0) log.step(`no answer yet through ${silent.join(', ')} after 30 s; measuring anyway`);
        // Concurrency 1 per client: one connection at a time, as upstream's affinity test sends, so that
        // no two connections of one client race for its first pick.
        const plan = { targets, requestsPerNode: perClient, concurrency: 1, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER, resendUnanswered: true };
        const records = await sendGuarded({ kubectl, namespace: options.namespace, selector: APP_SELECTOR, client: clients!, plan, log, lane, what: `nodes from each of ${clientCount} client containers` });
        const addresses = containers.map((c) => c.address).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
        const { checks, figure } = judgeAffinity({
          records,
          nodes: targets.map((t) => ({ node: t.node, label: `node ${t.node} (${hostPort(t.address, t.port)})` })),
          clients: addresses,
          endpoints,
          requestsPerClient: perClient,
          idPrefix: `${SLUG}/`,
        });
        result.addChecks(checks);
        result.addRecords(records);
        result.figure(figure);
        log.info(`affinity: ${checks.filter((c) => c.status === 'pass').length} of ${checks.length} checks pass`);
      },
    },
  ];
}
