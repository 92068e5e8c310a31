import assert from 'node:assert/strict';
import { appWithPorts } from '../../lab/app-manifests.js';
import { APP_NAME, APP_SELECTOR } from '../../lab/helloworld-lab.js';
import { endpointsByNode } from '../../lab/local-endpoints.js';
import { ServiceUnderTest } from '../../lab/service-under-test.js';
import { waitForPodsSettled, waitForRollout } from '../../kube/rollout.js';
import type { Endpoint, NodeAddress } from '../../queries/types.js';
import { TARGET_POWER } from '../../stats/defaults.js';
import { probesToCatch, UNREACHED_PROBES } from '../../stats/unreached-probes.js';
import { awaitEach } from '../../traffic/await-programmed.js';
import { chooseClient } from '../../traffic/choose-client.js';
import type { TrafficClient } from '../../traffic/traffic-client.js';
import { DEFAULT_TIMEOUT_MS, hostPort, type TrafficTarget } from '../../traffic/traffic-plan.js';
import { notYet, waitFor } from '../../util/wait.js';
import type { FeatureContext, FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { measureTraffic, sizedFor } from '../measured-traffic.js';
import { conditionsOf, localFallbackCheck, noNewConnectionsCheck, SERVING_WHILE_TERMINATING_S } from './terminating.js';

export const SLUG = 'terminating-endpoints';
export const TERMINATING_SERVICE = 'kpc-terminating';
const LOCAL_SERVICE = 'kpc-terminating-local';
const MANIFEST = featureFile(SLUG, 'services.yaml');
/** The annotation that makes a ReplicaSet remove this pod first when it scales down. */
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';
/** Marks the pod made terminating on purpose; the environment guard watches the others (a Service selects by app only). */
const TERMINATING_LABEL = 'kube-proxy-conformance/terminating';

interface PodSpecFields {
  terminationGracePeriodSeconds?: number;
  containers?: { lifecycle?: { preStop?: { sleep?: { seconds: number } } } }[];
}

/** The lab's app whose pods, once deleted, keep serving for SERVING_WHILE_TERMINATING_S (a preStop sleep) before they stop. */
function appServingWhileTerminating(image: string, replicas: number): object {
  const app = appWithPorts(image, replicas, []);
  for (const item of app.items) {
    const spec = item.spec?.template?.spec as PodSpecFields | undefined;
    if (!spec) continue;
    spec.terminationGracePeriodSeconds = SERVING_WHILE_TERMINATING_S + 30;
    for (const container of spec.containers ?? []) container.lifecycle = { preStop: { sleep: { seconds: SERVING_WHILE_TERMINATING_S } } };
  }
  return app;
}

/**
 * One endpoint made terminating but still serving (its pod deleted, a preStop sleep keeps it up),
 * chosen on a node where it is the only one: with ready endpoints left, no node may send it new
 * connections; under externalTrafficPolicy Local its node must still send to it rather than drop.
 */
export function terminatingEndpointsSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let ready: Endpoint[];
  let terminating: Endpoint;
  let lone: NodeAddress | null;
  let client: TrafficClient;
  let nodePort: number;

  const stillServing = async (ctx: FeatureContext) => {
    const c = conditionsOf(await service.endpointSlicesJson(), terminating.pod);
    assert.ok(c?.terminating && c.serving, `${terminating.pod} is no longer a terminating, serving endpoint (${JSON.stringify(c)}): the checks need it serving throughout`);
    return ctx;
  };

  return [
    {
      title: '1. deploy the app, whose pods keep serving for a while once deleted, behind two NodePort Services (externalTrafficPolicy Cluster and Local)',
      name: 'deploy',
      async run({ kubectl, options, cluster, result }) {
        service = new ServiceUnderTest(kubectl, options.namespace, TERMINATING_SERVICE);
        await service.apply(appServingWhileTerminating(cluster.appImage, options.replicas));
        await service.apply(MANIFEST);
        await waitForRollout(kubectl, options.namespace, APP_NAME, APP_SELECTOR);
        await waitForPodsSettled(kubectl, options.namespace, APP_SELECTOR, options.replicas);
        const endpoints = await service.readyEndpoints(options.replicas);
        const onNode = endpointsByNode(endpoints, cluster.discovery.addressed.map((n) => n.name));
        lone = cluster.discovery.addressed.find((n) => onNode.get(n.name)!.length === 1) ?? null;
        terminating = lone ? onNode.get(lone.name)![0]! : endpoints[0]!;
        ready = endpoints.filter((e) => e.pod !== terminating.pod);
        nodePort = (await service.summary()).nodePort!;
        result.note(`endpoints per node: ${[...onNode].map(([n, e]) => `${n} ${e.length}`).join(', ')}; ${terminating.pod} on ${terminating.node} will terminate`);
        if (!lone) result.note('no node holds exactly one endpoint: the externalTrafficPolicy Local fallback is not checked');
      },
    },
    {
      title: "2. make one endpoint terminating but serving: scale down by one, that pod first",
      name: 'terminate',
      async run({ kubectl, options, log, onEnd }) {
        const ns = { namespace: options.namespace };
        // Whatever happens next, the next run finds the app whole: the terminating pod gone, the replicas back.
        onEnd(async () => {
          await kubectl.run(['delete', 'pod', terminating.pod, '--grace-period=0', '--force', '--ignore-not-found'], { ...ns, check: false });
          await kubectl.run(['scale', 'deployment', APP_NAME, `--replicas=${options.replicas}`], ns);
          await waitForRollout(kubectl, options.namespace, APP_NAME, APP_SELECTOR);
          await waitForPodsSettled(kubectl, options.namespace, APP_SELECTOR, options.replicas);
        });
        await kubectl.run(['annotate', 'pod', terminating.pod, `${DELETION_COST}=-1000`, '--overwrite'], ns);
        await kubectl.run(['label', 'pod', terminating.pod, `${TERMINATING_LABEL}=true`, '--overwrite'], ns);
        log.step(`scaling ${APP_NAME} to ${options.replicas - 1}: ${terminating.pod} goes first and keeps serving for ${SERVING_WHILE_TERMINATING_S} s`);
        await kubectl.run(['scale', 'deployment', APP_NAME, `--replicas=${options.replicas - 1}`], ns);
        await waitFor(
          async () => {
            const c = conditionsOf(await service.endpointSlicesJson(), terminating.pod);
            return c?.terminating && c.serving && !c.ready ? true : notYet(`its endpoint is ${JSON.stringify(c)}`);
          },
          { what: `${terminating.pod} to be a terminating, serving endpoint`, timeoutMs: 30_000, intervalMs: kubectl.pollIntervalMs },
        );
      },
    },
    {
      title: "3. through every node's NodePort (externalTrafficPolicy Cluster): no new connection goes to the terminating endpoint",
      name: 'no-new',
      async run(ctx) {
        const { options, cluster } = ctx;
        const targets: TrafficTarget[] = cluster.discovery.addressed.map((n) => ({ node: n.name, address: n.address, port: nodePort }));
        client = await chooseClient(options.client, { runId: options.runId, appImage: cluster.appImage, dockerNetwork: cluster.dockerNetwork, targets });
        ctx.onEnd(() => client.close());
        // Followed once a node answered this many in a row from other pods, a round every 250 ms:
        // one still picking the terminating pod among all of them does so by luck with probability
        // below 1 - TARGET_POWER, and the streak (12 rounds for 3 endpoints, about 3 s) outlasts
        // kube-proxy's batching of changes (minSyncPeriod, 1 s), so a node that follows late is not
        // taken for one that followed (CI: with the rounds back to back, a node still sending 2 %
        // to the terminating pod passed the wait).
        const inARow = probesToCatch(1 / (ready.length + 1), TARGET_POWER);
        const streak = new Map<string, number>();
        await awaitEach(client, targets, (r) => {
          const n = r.pod !== null && r.pod !== terminating.pod ? (streak.get(r.node) ?? 0) + 1 : 0;
          streak.set(r.node, n);
          return n >= inARow;
        });
        const records = await measureTraffic(ctx, {
          name: `NodePort ${nodePort} through every node, ${terminating.pod} terminating`,
          client,
          targets,
          sized: sizedFor(ctx, targets.length, ready.length),
          what: 'nodes',
          sources: targets.map((t) => ({ node: t.node, target: hostPort(t.address, t.port), label: `node ${t.node} (${hostPort(t.address, t.port)})` })),
          unreachable: cluster.discovery.unaddressed,
          endpoints: ready,
          expected: () => ready.map((e) => e.pod),
          guardSelector: `${APP_SELECTOR},${TERMINATING_LABEL}!=true`,
        });
        ctx.result.addChecks(targets.map((t) => noNewConnectionsCheck(`${SLUG}/no-new/${t.node}`, t.node, `node ${t.node} (${hostPort(t.address, t.port)})`, terminating.pod, records)));
        await stillServing(ctx);
      },
    },
    {
      title: '4. externalTrafficPolicy Local, through the node whose only local endpoint is terminating: it still answers',
      name: 'local-fallback',
      async run(ctx) {
        if (!lone) return;
        const localPort = (await new ServiceUnderTest(ctx.kubectl, ctx.options.namespace, LOCAL_SERVICE).summary()).nodePort!;
        const target = { node: lone.name, address: lone.address, port: localPort };
        const records = await client.send({ targets: [target], requestsPerNode: UNREACHED_PROBES, concurrency: UNREACHED_PROBES, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: UNREACHED_PROBES + 1 });
        ctx.result.addChecks([localFallbackCheck(`${SLUG}/local-fallback/${lone.name}`, lone.name, `node ${lone.name} (${hostPort(lone.address, localPort)}, externalTrafficPolicy Local)`, terminating.pod, records)]);
        await stillServing(ctx);
      },
    },
  ];
}

