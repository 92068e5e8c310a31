import assert from 'node:assert/strict';
import { APP_PORT, APP_SELECTOR } from '../../lab/helloworld-lab.js';
import type { Endpoint } from '../../queries/types.js';
import { awaitProgrammed } from '../../traffic/await-programmed.js';
import { sendGuarded } from '../../traffic/guarded-traffic.js';
import { PodTrafficClient } from '../../traffic/pod-client.js';
import { DEFAULT_TIMEOUT_MS, GIVE_UP_AFTER, hostPort } from '../../traffic/traffic-plan.js';
import type { FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { hairpinCheck, hairpinTries } from './self-answer.js';

export const SLUG = 'hairpin';
export const HAIRPIN_SERVICE = 'kpc-hairpin';
const HAIRPIN_MANIFEST = featureFile(SLUG, 'service.yaml');

/** Calls in flight at once from one pod: enough that a hairpin that times out costs a few timeouts, not one per call. */
const CALLS_IN_FLIGHT_PER_POD = 8;

/**
 * The app's pods as rounds of at most one per node: PodTrafficClient sends from one pod per node,
 * so a node that holds two app pods sends from the second in a second round.
 */
function rounds(pods: readonly Endpoint[]): Endpoint[][] {
  const byNode = new Map<string, Endpoint[]>();
  for (const pod of pods) byNode.set(pod.node, [...(byNode.get(pod.node) ?? []), pod]);
  const depth = Math.max(0, ...[...byNode.values()].map((p) => p.length));
  return Array.from({ length: depth }, (_, i) => [...byNode.values()].flatMap((p) => (p[i] ? [p[i]] : [])));
}

/** Hairpin: every app pod calls its own Service and must be answered by itself. */
export function hairpinSteps(): FeatureStep[] {
  let pods: Endpoint[];
  let clusterIP: string;

  return [
    {
      title: '1. deploy the app and a ClusterIP Service that selects it',
      name: 'deploy',
      async run({ lab, options }) {
        const deployed = await lab.deployBehind(HAIRPIN_SERVICE, HAIRPIN_MANIFEST, options.replicas);
        pods = deployed.endpoints;
        const summary = await deployed.service.summary();
        clusterIP = summary.clusterIP;
        assert.equal(summary.type, 'ClusterIP', `the Service is ${summary.type}, not ClusterIP`);
      },
    },
    {
      title: '2. every app pod calls the ClusterIP until it is answered by itself',
      name: 'calls',
      async run({ kubectl, options, log, familyAlpha, result, lane }) {
        const tries = hairpinTries(pods.length, familyAlpha);
        const target = hostPort(clusterIP, APP_PORT);
        result.note(`${tries} calls from each of ${pods.length} app pods to ${target}: a proxy that hairpins leaves some pod unanswered by itself by luck with probability at most the feature's alpha`);
        for (const [i, round] of rounds(pods).entries()) {
          const client = new PodTrafficClient(kubectl, options.namespace, new Map(round.map((p) => [p.node, p.pod])));
          const targets = round.map((p) => ({ node: p.node, address: clusterIP, port: APP_PORT }));
          if (i === 0) {
            const silent = await awaitProgrammed(targets, 'world1', undefined, client);
            if (silent.length > 0) log.step(`no answer yet from the app pods on ${silent.join(', ')} after 30 s; measuring anyway`);
          }
          const plan = { targets, requestsPerNode: tries, concurrency: targets.length * CALLS_IN_FLIGHT_PER_POD, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER, resendUnanswered: true };
          const records = await sendGuarded({ kubectl, namespace: options.namespace, selector: APP_SELECTOR, client, plan, log, lane, what: 'app pods calling their own Service' });
          result.addRecords(records);
          result.addChecks(round.map((pod) => hairpinCheck(pod, records.filter((r) => r.node === pod.node), pods.length, tries, target, `${SLUG}/`)));
        }
      },
    },
  ];
}
