import { test, expect } from '../support/fixtures.js';
import { describeFeature } from '../support/feature-spec.js';
import { CHURN_MANIFEST, CHURN_NAME, CHURN_SELECTOR, CHURN_REPLICAS, CHURN_SCALED_UP, endpointChurn, QUIET_ANSWERS } from '../../harness/features/endpoint-churn/index.js';
import { followLatencies, percentile, type NodeFollow } from '../../harness/features/endpoint-churn/latency.js';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../harness/kube/bounds.js';
import { EndpointWatch } from '../../harness/kube/endpoint-watch.js';
import { ServiceUnderTest } from '../../harness/lab/service-under-test.js';
import { renderAppManifest } from '../../harness/lab/app-manifests.js';
import { waitForRollout } from '../../harness/kube/rollout.js';
import type { CheckLine } from '../../harness/report/report-types.js';
import { awaitProgrammed } from '../../harness/traffic/await-programmed.js';
import { chooseClient } from '../../harness/traffic/choose-client.js';
import type { TrafficClient } from '../../harness/traffic/traffic-client.js';
import { isSuccessful } from '../../harness/traffic/traffic-matrix.js';
import { TrafficStream } from '../../harness/traffic/traffic-stream.js';
import type { TrafficTarget } from '../../harness/traffic/traffic-plan.js';
import { notYet, waitFor } from '../../harness/util/wait.js';

/** Scale up, scale down, roll: every node must follow the endpoints, and how fast is measured. */
describeFeature(endpointChurn, 'EndpointChurn: every node follows endpoints as they come and go', (current) => {
  let service: ServiceUnderTest;
  let client: TrafficClient;
  let targets: TrafficTarget[];
  let watch: EndpointWatch;
  let stream: TrafficStream;
  let rollout: { from: number; to: number } | undefined;

  test.afterAll(async () => {
    await stream?.stop().catch(() => undefined);
    await watch?.close();
    await client?.close();
  });

  test('1. deploy an app of its own behind a NodePort Service, answering on every node', async ({ kubectl, run, state }) => {
    await current().step('deploy', async () => {
      service = new ServiceUnderTest(kubectl, run.namespace, CHURN_NAME);
      await service.apply(renderAppManifest(CHURN_MANIFEST, { image: state.appImage, replicas: CHURN_REPLICAS }));
      await waitForRollout(kubectl, run.namespace, CHURN_NAME, CHURN_SELECTOR);
      await service.readyEndpoints(CHURN_REPLICAS);
      const port = (await service.summary()).nodePort!;
      targets = state.survey!.discovery.addressed.map((n) => ({ node: n.name, address: n.address, port }));
      client = await chooseClient(run.client, { runId: run.runId, appImage: state.appImage, dockerNetwork: state.info.dockerNetwork, targets });
      expect(await awaitProgrammed(targets, 'world1', undefined, client), 'nodes not answering on the NodePort').toEqual([]);
    });
  });

  test('2. watch the endpoints and send traffic through every node', async ({ kubectl, run }) => {
    await current().step('start', async () => {
      watch = new EndpointWatch(kubectl, run.namespace, CHURN_NAME);
      await watch.start();
      stream = new TrafficStream(client, targets, { roundsPerCall: 10, timeoutMs: 3_000, sender: 'world1' });
      stream.start();
    });
  });

  test(`3. scale ${CHURN_REPLICAS} -> ${CHURN_SCALED_UP}, ${CHURN_SCALED_UP} -> ${CHURN_REPLICAS}, then roll every pod`, async ({ kubectl, run, log }) => {
    await current().step('churn', async () => {
      const scale = (n: number) => kubectl.run(['scale', `deployment/${CHURN_NAME}`, `--replicas=${n}`], { namespace: run.namespace });
      log.step(`scaling ${CHURN_NAME} to ${CHURN_SCALED_UP}`);
      await scale(CHURN_SCALED_UP);
      await service.readyEndpoints(CHURN_SCALED_UP);
      await followed();
      log.step(`scaling ${CHURN_NAME} back to ${CHURN_REPLICAS}`);
      await scale(CHURN_REPLICAS);
      await followed();
      log.step(`rolling every pod of ${CHURN_NAME}`);
      const from = Date.now();
      await kubectl.run(['rollout', 'restart', `deployment/${CHURN_NAME}`], { namespace: run.namespace });
      await waitForRollout(kubectl, run.namespace, CHURN_NAME, CHURN_SELECTOR);
      await followed();
      rollout = { from, to: Date.now() };
    });
  });

  test('4. per node: every change followed within 30 s, and how fast', async ({ state }) => {
    await current().step('judge', async () => {
      const records = await stream.stop();
      await watch.close();
      const nodes = targets.map((t) => t.node);
      const follows = followLatencies(records, watch.changes, nodes, PROXY_PROGRAMMING_TIMEOUT_MS);
      const changes = watch.changes.length;
      current().addChecks(follows.map((f) => followCheck(f, changes)));
      const duringRollout = records.filter((r) => rollout && r.sentAt >= rollout.from && r.sentAt <= rollout.to);
      current().figure({
        title: `Time to follow ${changes} endpoint changes, per node (ms; joined: to the first answer from a new endpoint, left: to the last answer from a removed one)`,
        columns: ['node', 'joined p50', 'joined p99', 'joined max', 'left p50', 'left p99', 'left max', 'failed during the rolling update'],
        rows: follows.map((f) => {
          const sent = duringRollout.filter((r) => r.node === f.node);
          const failed = sent.filter((r) => !isSuccessful(r)).length;
          return [f.node, ms(percentile(f.addedMs, 50)), ms(percentile(f.addedMs, 99)), ms(percentile(f.addedMs, 100)), ms(percentile(f.removedMs, 50)), ms(percentile(f.removedMs, 99)), ms(percentile(f.removedMs, 100)), `${failed} of ${sent.length}`];
        }),
      });
      current().note(`${records.length} requests through ${nodes.length} nodes (${state.survey!.discovery.addressed.length} addressed); ${changes} endpoint changes seen by the EndpointSlice watch`);
      expect(changes, 'the watch saw the endpoints change').toBeGreaterThanOrEqual(2 * (CHURN_SCALED_UP - CHURN_REPLICAS) + 2 * CHURN_REPLICAS);
    });
  });


  /**
   * Waits until every node has answered from every current endpoint since the last change and, in
   * its last QUIET_ANSWERS answers, from no endpoint that left; at most the 30 s bound after the last
   * change. Not a check: the checks judge the whole record afterwards.
   */
  async function followed(): Promise<void> {
    await waitFor(
      async () => {
        const current = watch.current();
        const since = watch.changes.at(-1)?.at ?? 0;
        const left = new Set(watch.changes.filter((c) => c.change === 'removed' && !current.has(c.pod)).map((c) => c.pod));
        const behind = targets.filter((t) => {
          const answers = stream.records.filter((r) => r.node === t.node && isSuccessful(r) && r.sentAt >= since);
          const reached = new Set(answers.map((r) => r.pod));
          return ![...current].every((pod) => reached.has(pod)) || answers.length < QUIET_ANSWERS || answers.slice(-QUIET_ANSWERS).some((r) => left.has(r.pod!));
        });
        return behind.length === 0 ? true : notYet(`${behind.map((t) => t.node).join(', ')} not following yet`);
      },
      { what: 'every node to follow the change', timeoutMs: PROXY_PROGRAMMING_TIMEOUT_MS + 10_000, intervalMs: 250 },
    ).catch(() => undefined);
  }
});

function followCheck(f: NodeFollow, changes: number): CheckLine {
  const base = { id: `${endpointChurn.slug}/converged/${f.node}`, node: f.node, endpoint: null };
  const problems = [
    ...f.neverReached.map((x) => `${x.pod} joined but never answered through it within ${PROXY_PROGRAMMING_TIMEOUT_MS / 1000} s`),
    ...f.stillSent.map((x) => `${x.pod} left but still answered through it ${(x.lastMs / 1000).toFixed(1)} s later`),
  ];
  if (problems.length > 0) return { ...base, status: 'fail', message: `node ${f.node} did not follow ${problems.length} of ${changes} endpoint changes: ${problems.join('; ')}` };
  const worst = Math.max(0, ...f.addedMs, ...f.removedMs);
  return { ...base, status: 'pass', message: `node ${f.node} followed all ${changes} endpoint changes, the slowest in ${(worst / 1000).toFixed(2)} s` };
}

function ms(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
