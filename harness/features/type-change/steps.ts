import assert from 'node:assert/strict';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../kube/bounds.js';
import type { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { CheckLine } from '../../report/report-types.js';
import { awaitEach, type Convergence } from '../../traffic/await-programmed.js';
import { chooseClient } from '../../traffic/choose-client.js';
import type { RequestRecord } from '../../traffic/request-record.js';
import type { TrafficClient } from '../../traffic/traffic-client.js';
import type { TrafficTarget } from '../../traffic/traffic-plan.js';
import type { FeatureResult } from '../feature-result.js';
import type { FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';

export const SLUG = 'type-change';
export const TYPE_CHANGE_SERVICE = 'kpc-type-change';
const TYPE_CHANGE_MANIFEST = featureFile(SLUG, 'service.yaml');

const answered = (r: RequestRecord) => r.error === null;
/** Closed: the connection is refused or not answered at all; an HTTP answer means the port still forwards. */
const closed = (r: RequestRecord) => r.status === null;

/** Changing a Service's type must open and close its NodePort on every node. */
export function typeChangeSteps(): FeatureStep[] {
  let service: ServiceUnderTest;
  let client: TrafficClient;
  const rows = new Map<string, (number | null)[]>();

  const targetsFor = (addressed: { name: string; address: string }[], port: number): TrafficTarget[] => addressed.map((n) => ({ node: n.name, address: n.address, port }));

  function record(result: FeatureResult, step: 'close' | 'open', converged: Convergence[], what: (c: Convergence) => string, done: string, notDone: string): void {
    const checks: CheckLine[] = converged.map((c) => {
      const base = { id: `${SLUG}/${step}/${c.node}`, node: c.node, endpoint: null };
      (rows.get(c.node) ?? rows.set(c.node, [null, null]).get(c.node)!)[step === 'close' ? 0 : 1] = c.afterMs === null ? null : Number((c.afterMs / 1000).toFixed(2));
      if (c.afterMs !== null) return { ...base, status: 'pass', message: `${what(c)} ${done} ${(c.afterMs / 1000).toFixed(1)} s after the type change` };
      const last = c.last?.status !== null && c.last?.status !== undefined ? `HTTP ${c.last.status} from ${c.last.pod}` : (c.last?.error ?? 'nothing');
      return { ...base, status: 'fail', message: `${what(c)} ${notDone} ${PROXY_PROGRAMMING_TIMEOUT_MS / 1000} s after the type change (last: ${last})` };
    });
    result.addChecks(checks);
  }

  return [
    {
      title: '1. deploy the app behind a NodePort Service that answers on every node',
      name: 'deploy',
      async run({ lab, kubectl, options, cluster, onEnd }) {
        onEnd(async () => client?.close());
        // From ClusterIP, so every run makes the NodePort anew (a rerun may find it already NodePort).
        await kubectl.deleteIfAny('service', TYPE_CHANGE_SERVICE, { namespace: options.namespace });
        ({ service } = await lab.deployBehind(TYPE_CHANGE_SERVICE, TYPE_CHANGE_MANIFEST, options.replicas));
        const targets = targetsFor(cluster.discovery.addressed, (await service.summary()).nodePort!);
        client = await chooseClient(options.client, { runId: options.runId, appImage: cluster.appImage, dockerNetwork: cluster.dockerNetwork, targets });
        const open = await awaitEach(client, targets, answered);
        // Not a check of this feature: NodePort forwarding is the NodePort feature's. Without it there is nothing to close.
        assert.deepEqual(open.filter((c) => c.afterMs === null).map((c) => `${c.node}: ${c.last?.error ?? 'no answer'}`), [], 'every node answers on the NodePort first');
      },
    },
    {
      title: '2. patch it to ClusterIP: its NodePort closes on every node',
      name: 'to-cluster-ip',
      async run({ kubectl, options, cluster, result }) {
        const oldPort = (await service.summary()).nodePort!;
        const since = Date.now();
        await kubectl.run(['patch', 'service', TYPE_CHANGE_SERVICE, '-p', '{"spec":{"type":"ClusterIP"}}'], { namespace: options.namespace });
        const released = (await service.summary()).nodePort;
        assert.equal(released, null, `the API kept NodePort ${released} after the patch to ClusterIP`);
        const converged = await awaitEach(client, targetsFor(cluster.discovery.addressed, oldPort), closed, { since });
        record(result, 'close', converged, (c) => `node ${c.node}: NodePort ${oldPort}`, 'closed', 'still forwarded');
      },
    },
    {
      title: '3. patch it back to NodePort: the new NodePort opens on every node',
      name: 'to-node-port',
      async run({ kubectl, options, cluster, result }) {
        const since = Date.now();
        await kubectl.run(['patch', 'service', TYPE_CHANGE_SERVICE, '-p', '{"spec":{"type":"NodePort"}}'], { namespace: options.namespace });
        const newPort = (await service.summary()).nodePort!;
        const converged = await awaitEach(client, targetsFor(cluster.discovery.addressed, newPort), answered, { since });
        record(result, 'open', converged, (c) => `node ${c.node}: NodePort ${newPort}`, 'answered', 'not answered');
        result.figure({ title: 'Seconds from the type change to the NodePort closing and opening, per node', columns: ['node', 'closed after (s)', 'opened after (s)'], rows: [...rows].map(([node, r]) => [node, ...r]) });
      },
    },
  ];
}
