import { test, expect } from '../support/fixtures.js';
import { describeFeature } from '../support/feature-spec.js';
import { TYPE_CHANGE_MANIFEST, TYPE_CHANGE_SERVICE, typeChange } from '../../harness/features/type-change/index.js';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../harness/kube/bounds.js';
import { ServiceUnderTest } from '../../harness/lab/service-under-test.js';
import type { CheckLine } from '../../harness/report/report-types.js';
import { awaitEach, type Convergence } from '../../harness/traffic/await-programmed.js';
import { chooseClient } from '../../harness/traffic/choose-client.js';
import type { RequestRecord } from '../../harness/traffic/request-record.js';
import type { TrafficClient } from '../../harness/traffic/traffic-client.js';
import type { TrafficTarget } from '../../harness/traffic/traffic-plan.js';

const answered = (r: RequestRecord) => r.error === null;
/** Closed: the connection is refused or not answered at all; an HTTP answer means the port still forwards. */
const closed = (r: RequestRecord) => r.status === null;

/** Changing a Service's type must open and close its NodePort on every node. */
describeFeature(typeChange, 'TypeChange: NodePort to ClusterIP and back, on every node', (current) => {
  let service: ServiceUnderTest;
  let client: TrafficClient;
  const rows = new Map<string, (number | null)[]>();

  const targetsFor = (addressed: { name: string; address: string }[], port: number): TrafficTarget[] => addressed.map((n) => ({ node: n.name, address: n.address, port }));

  test.afterAll(async () => {
    await client?.close();
  });

  test('1. deploy the app behind a NodePort Service that answers on every node', async ({ lab, kubectl, run, state }) => {
    await current().step('deploy', async () => {
      // From ClusterIP, so every run makes the NodePort anew (a rerun may find it already NodePort).
      await kubectl.deleteIfAny('service', TYPE_CHANGE_SERVICE, { namespace: run.namespace });
      ({ service } = await lab.deployBehind(TYPE_CHANGE_SERVICE, TYPE_CHANGE_MANIFEST, run.replicas));
      const targets = targetsFor(state.survey!.discovery.addressed, (await service.summary()).nodePort!);
      client = await chooseClient(run.client, { runId: run.runId, appImage: state.appImage, dockerNetwork: state.info.dockerNetwork, targets });
      const open = await awaitEach(client, targets, answered);
      // Not a check of this feature: NodePort forwarding is the NodePort feature's. Without it there is nothing to close.
      expect(open.filter((c) => c.afterMs === null).map((c) => `${c.node}: ${c.last?.error ?? 'no answer'}`), 'every node answers on the NodePort first').toEqual([]);
    });
  });

  test('2. patch it to ClusterIP: its NodePort closes on every node', async ({ kubectl, run, state }) => {
    await current().step('to-cluster-ip', async () => {
      const oldPort = (await service.summary()).nodePort!;
      const since = Date.now();
      await kubectl.run(['patch', 'service', TYPE_CHANGE_SERVICE, '-p', '{"spec":{"type":"ClusterIP"}}'], { namespace: run.namespace });
      expect((await service.summary()).nodePort, 'the API released the NodePort').toBeNull();
      const converged = await awaitEach(client, targetsFor(state.survey!.discovery.addressed, oldPort), closed, { since });
      record('close', converged, (c) => `node ${c.node}: NodePort ${oldPort}`, 'closed', 'still forwarded');
    });
  });

  test('3. patch it back to NodePort: the new NodePort opens on every node', async ({ kubectl, run, state }) => {
    await current().step('to-node-port', async () => {
      const since = Date.now();
      await kubectl.run(['patch', 'service', TYPE_CHANGE_SERVICE, '-p', '{"spec":{"type":"NodePort"}}'], { namespace: run.namespace });
      const newPort = (await service.summary()).nodePort!;
      const converged = await awaitEach(client, targetsFor(state.survey!.discovery.addressed, newPort), answered, { since });
      record('open', converged, (c) => `node ${c.node}: NodePort ${newPort}`, 'answered', 'not answered');
      current().figure({ title: 'Seconds from the type change to the NodePort closing and opening, per node', columns: ['node', 'closed after (s)', 'opened after (s)'], rows: [...rows].map(([node, r]) => [node, ...r]) });
    });
  });


  function record(step: 'close' | 'open', converged: Convergence[], what: (c: Convergence) => string, done: string, notDone: string): void {
    const checks: CheckLine[] = converged.map((c) => {
      const base = { id: `${typeChange.slug}/${step}/${c.node}`, node: c.node, endpoint: null };
      (rows.get(c.node) ?? rows.set(c.node, [null, null]).get(c.node)!)[step === 'close' ? 0 : 1] = c.afterMs === null ? null : Number((c.afterMs / 1000).toFixed(2));
      if (c.afterMs !== null) return { ...base, status: 'pass', message: `${what(c)} ${done} ${(c.afterMs / 1000).toFixed(1)} s after the type change` };
      const last = c.last?.status !== null && c.last?.status !== undefined ? `HTTP ${c.last.status} from ${c.last.pod}` : (c.last?.error ?? 'nothing');
      return { ...base, status: 'fail', message: `${what(c)} ${notDone} ${PROXY_PROGRAMMING_TIMEOUT_MS / 1000} s after the type change (last: ${last})` };
    });
    current().addChecks(checks);
  }
});
