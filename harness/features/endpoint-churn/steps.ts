import assert from 'node:assert/strict';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../kube/bounds.js';
import { EndpointWatch } from '../../kube/endpoint-watch.js';
import { waitForRollout } from '../../kube/rollout.js';
import { renderAppManifest } from '../../lab/app-manifests.js';
import { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { CheckLine } from '../../report/report-types.js';
import { awaitProgrammed } from '../../traffic/await-programmed.js';
import { chooseClient } from '../../traffic/choose-client.js';
import type { TrafficClient } from '../../traffic/traffic-client.js';
import { isSuccessful } from '../../traffic/traffic-matrix.js';
import type { TrafficTarget } from '../../traffic/traffic-plan.js';
import { TrafficStream } from '../../traffic/traffic-stream.js';
import { notYet, waitFor } from '../../util/wait.js';
import type { FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { followLatencies, missesToFail, type NodeFollow } from './latency.js';
import { percentile } from '../../stats/percentile.js';

export const SLUG = 'endpoint-churn';
export const CHURN_NAME = 'kpc-churn';
export const CHURN_SELECTOR = 'app=kpc-churn';
export const CHURN_MANIFEST = featureFile(SLUG, 'churn.yaml');
export const CHURN_REPLICAS = 3;
export const CHURN_SCALED_UP = 5;

/**
 * Answers in a row (per node, after a removal) without the removed endpoints, after which a node is
 * taken to have followed: were it still sending 1 in 5 connections to them (2 of 5 endpoints
 * removed), 30 in a row would miss them with probability 0.8^30 = 0.1%.
 */
export const QUIET_ANSWERS = 30;

/**
 * Endpoints a node spreads new connections over at most while it follows the churn: the 5 of the
 * scaled-up app; during the rolling update (maxSurge 1 of 3) 3 ready, 1 surging and 1 terminating
 * pod that still serves. One more for margin: a joined endpoint's share is at least 1 in 6.
 */
export const SPREAD_AT_MOST = CHURN_SCALED_UP + 1;

/** Endpoints that join per node: the scale-up's and the rolling update's new pods. */
const JOINS = CHURN_SCALED_UP - CHURN_REPLICAS + CHURN_REPLICAS;

/** Requests in flight per node in the stream: enough that its rate, not one request's latency on a busy host, sets how soon a join is seen. */
const STREAM_IN_FLIGHT_PER_NODE = 4;

/** How long past the bound the steps wait for the evidence that decides a late join (missesToFail answers). */
const EVIDENCE_WAIT_MS = 60_000;

/** Scale up, scale down, roll: every node must follow the endpoints, and how fast is measured. */
export function endpointChurnSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let client: TrafficClient;
  let targets: TrafficTarget[];
  let watch: EndpointWatch;
  let stream: TrafficStream;
  let rollout: { from: number; to: number } | undefined;

  /** Answers from others after the bound that fail a node on a join it has not shown (latency.ts). */
  let failAfter: number;

  /**
   * Waits until every node has, for every joined endpoint, answered from it within the bound or
   * given the evidence that it did not (a node with such evidence is not waited for), and, in its
   * last QUIET_ANSWERS answers since the last change, none from an endpoint that left; at most
   * EVIDENCE_WAIT_MS past the bound. Not a check: the checks judge the whole record afterwards.
   */
  async function followed(): Promise<void> {
    await waitFor(
      async () => {
        const current = watch.current();
        const since = watch.changes.at(-1)?.at ?? 0;
        const left = new Set(watch.changes.filter((c) => c.change === 'removed' && !current.has(c.pod)).map((c) => c.pod));
        const follows = followLatencies(stream.records, watch.changes, targets.map((t) => t.node), PROXY_PROGRAMMING_TIMEOUT_MS, failAfter);
        const behind = follows.filter((f) => {
          if (f.neverReached.length > 0) return false;
          const answers = stream.records.filter((r) => r.node === f.node && isSuccessful(r) && r.sentAt >= since);
          return f.undecided.length > 0 || answers.length < QUIET_ANSWERS || answers.slice(-QUIET_ANSWERS).some((r) => left.has(r.pod!));
        });
        return behind.length === 0 ? true : notYet(`${behind.map((f) => f.node).join(', ')} not following yet`);
      },
      { what: 'every node to follow the change', timeoutMs: PROXY_PROGRAMMING_TIMEOUT_MS + EVIDENCE_WAIT_MS, intervalMs: 250 },
    ).catch(() => undefined);
  }

  return [
    {
      title: '1. deploy an app of its own behind a NodePort Service, answering on every node',
      name: 'deploy',
      async run({ kubectl, options, cluster, onEnd }) {
        onEnd(async () => {
          await stream?.stop().catch(() => undefined);
          await watch?.close();
          await client?.close();
        });
        service = new ServiceUnderTest(kubectl, options.namespace, CHURN_NAME);
        await service.apply(renderAppManifest(CHURN_MANIFEST, { image: cluster.appImage, replicas: CHURN_REPLICAS }));
        await waitForRollout(kubectl, options.namespace, CHURN_NAME, CHURN_SELECTOR);
        await service.readyEndpoints(CHURN_REPLICAS);
        const port = (await service.summary()).nodePort!;
        targets = cluster.discovery.addressed.map((n) => ({ node: n.name, address: n.address, port }));
        client = await chooseClient(options.client, { runId: options.runId, appImage: cluster.appImage, dockerNetwork: cluster.dockerNetwork, targets });
        assert.deepEqual(await awaitProgrammed(targets, 'world1', undefined, client), [], 'nodes not answering on the NodePort');
      },
    },
    {
      title: '2. watch the endpoints and send traffic through every node',
      name: 'start',
      async run({ kubectl, options, familyAlpha }) {
        // Every join on every node is one test at the feature's share of the run's alpha.
        failAfter = missesToFail(familyAlpha / (JOINS * targets.length), SPREAD_AT_MOST);
        watch = new EndpointWatch(kubectl, options.namespace, CHURN_NAME);
        await watch.start();
        stream = new TrafficStream(client, targets, { roundsPerCall: 20, inFlightPerTarget: STREAM_IN_FLIGHT_PER_NODE, timeoutMs: 3_000, sender: 'world1' });
        stream.start();
      },
    },
    {
      title: `3. scale ${CHURN_REPLICAS} -> ${CHURN_SCALED_UP}, ${CHURN_SCALED_UP} -> ${CHURN_REPLICAS}, then roll every pod`,
      name: 'churn',
      async run({ kubectl, options, log }) {
        const scale = (n: number) => kubectl.run(['scale', `deployment/${CHURN_NAME}`, `--replicas=${n}`], { namespace: options.namespace });
        log.step(`scaling ${CHURN_NAME} to ${CHURN_SCALED_UP}`);
        await scale(CHURN_SCALED_UP);
        await service.readyEndpoints(CHURN_SCALED_UP);
        await followed();
        log.step(`scaling ${CHURN_NAME} back to ${CHURN_REPLICAS}`);
        await scale(CHURN_REPLICAS);
        await followed();
        log.step(`rolling every pod of ${CHURN_NAME}`);
        const from = Date.now();
        await kubectl.run(['rollout', 'restart', `deployment/${CHURN_NAME}`], { namespace: options.namespace });
        await waitForRollout(kubectl, options.namespace, CHURN_NAME, CHURN_SELECTOR);
        await followed();
        rollout = { from, to: Date.now() };
      },
    },
    {
      title: '4. per node: every change followed within 30 s, and how fast',
      name: 'judge',
      async run({ cluster, result }) {
        const records = await stream.stop();
        await watch.close();
        const nodes = targets.map((t) => t.node);
        const follows = followLatencies(records, watch.changes, nodes, PROXY_PROGRAMMING_TIMEOUT_MS, failAfter);
        const changes = watch.changes.length;
        result.addChecks(follows.map((f) => followCheck(f, changes, failAfter)));
        const duringRollout = records.filter((r) => rollout && r.sentAt >= rollout.from && r.sentAt <= rollout.to);
        result.figure({
          title: `Time to follow ${changes} endpoint changes, per node (ms; joined: to the first answer from a new endpoint, left: to the last answer from a removed one)`,
          columns: ['node', 'joined p50', 'joined p99', 'joined max', 'left p50', 'left p99', 'left max', 'failed during the rolling update'],
          rows: follows.map((f) => {
            const sent = duringRollout.filter((r) => r.node === f.node);
            const failed = sent.filter((r) => !isSuccessful(r)).length;
            return [f.node, ms(percentile(f.addedMs, 50)), ms(percentile(f.addedMs, 99)), ms(percentile(f.addedMs, 100)), ms(percentile(f.removedMs, 50)), ms(percentile(f.removedMs, 99)), ms(percentile(f.removedMs, 100)), `${failed} of ${sent.length}`];
          }),
        });
        result.note(`${records.length} requests through ${nodes.length} nodes (${cluster.discovery.addressed.length} addressed); ${changes} endpoint changes seen by the EndpointSlice watch`);
        const least = 2 * (CHURN_SCALED_UP - CHURN_REPLICAS) + 2 * CHURN_REPLICAS;
        assert.ok(changes >= least, `the watch saw ${changes} endpoint changes, fewer than the ${least} the churn makes`);
      },
    },
  ];
}

function followCheck(f: NodeFollow, changes: number, failAfter: number): CheckLine {
  const base = { id: `${SLUG}/converged/${f.node}`, node: f.node, endpoint: null };
  const bound = PROXY_PROGRAMMING_TIMEOUT_MS / 1000;
  const first = (x: { firstMs: number | null }) => (x.firstMs === null ? 'and never answered' : `and first answered ${(x.firstMs / 1000).toFixed(1)} s after joining`);
  const problems = [
    ...f.neverReached.map((x) => `${x.pod} joined but was not answered through it within ${bound} s: ${x.misses} answers from other endpoints after that ${first(x)}`),
    ...f.stillSent.map((x) => `${x.pod} left but still answered through it ${(x.lastMs / 1000).toFixed(1)} s later`),
  ];
  if (problems.length > 0) return { ...base, status: 'fail', message: `node ${f.node} did not follow ${problems.length} of ${changes} endpoint changes: ${problems.join('; ')}` };
  if (f.undecided.length > 0) {
    const late = f.undecided.map((x) => `${x.pod} joined, ${first(x)}, with only ${x.misses} answers from other endpoints after ${bound} s`).join('; ');
    return { ...base, status: 'skip', message: `node ${f.node}: too few requests to tell whether it followed ${f.undecided.length} of ${changes} changes within ${bound} s (${failAfter} answers from others after the bound would): ${late}` };
  }
  const worst = Math.max(0, ...f.addedMs, ...f.removedMs);
  return { ...base, status: 'pass', message: `node ${f.node} followed all ${changes} endpoint changes, the slowest in ${(worst / 1000).toFixed(2)} s` };
}

function ms(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
