import { APP_SELECTOR } from '../lab/helloworld-lab.js';
import { judgeTraffic, type TrafficEvidence } from '../report/judge-traffic.js';
import type { Sizing } from '../stats/sizing.js';
import { awaitEveryEndpoint, awaitProgrammed } from '../traffic/await-programmed.js';
import { TARGET_POWER } from '../stats/defaults.js';
import { probesToCatch } from '../stats/unreached-probes.js';
import { sendGuarded } from '../traffic/guarded-traffic.js';
import type { RequestRecord } from '../traffic/request-record.js';
import type { TrafficClient } from '../traffic/traffic-client.js';
import { DEFAULT_TIMEOUT_MS, GIVE_UP_AFTER, type TrafficTarget } from '../traffic/traffic-plan.js';
import type { FeatureContext } from './feature.js';
import { requestsPerNodeFor } from '../stats/requests-per-node.js';

/** One measured traffic of a feature: who sends where, how much, and what each source should reach. */
export interface MeasuredTraffic extends Pick<TrafficEvidence, 'name' | 'sources' | 'endpoints' | 'expected' | 'unreachable'> {
  client: TrafficClient;
  targets: TrafficTarget[];
  /** The requests per source and the sizing behind them (stats/requests-per-node.ts). */
  sized: { requestsPerNode: number; sizing: Sizing | null };
  /** How the progress lines name the senders: "nodes", "client pods". */
  what: string;
  /** Connections in flight at once; the run's --concurrency unless the feature needs its own. */
  concurrency?: number;
  /** udp: each message one datagram from a new source port; unset: HTTP, each on a new connection. */
  protocol?: 'udp';
  /** The pods the environment guard watches; the app's unless a feature changes some on purpose (it labels those out). */
  guardSelector?: string;
  /** Runs once every source answered from every endpoint, just before the burst. */
  beforeBurst?: () => Promise<void>;
}

/**
 * Sends POST /api/messages on a new connection per request once every target answers (at most
 * upstream's 30 s, then measures anyway), watched by the environment guard; returns the records.
 */
export async function sendMeasured(ctx: FeatureContext, traffic: Omit<MeasuredTraffic, 'name' | 'sources' | 'endpoints' | 'expected' | 'unreachable'>, answered = false): Promise<RequestRecord[]> {
  const { client, targets, sized, what } = traffic;
  // `answered`: the caller already waited for answers through every target (measureTraffic).
  const silent = answered ? [] : await awaitProgrammed(targets, 'world1', undefined, client, traffic.protocol);
  if (silent.length > 0) ctx.log.step(`no answer yet through ${silent.join(', ')} after 30 s; measuring anyway`);
  const plan = { targets, requestsPerNode: sized.requestsPerNode, concurrency: traffic.concurrency ?? ctx.options.concurrency, timeoutMs: DEFAULT_TIMEOUT_MS, sender: 'world1', giveUpAfter: GIVE_UP_AFTER, resendUnanswered: true, protocol: traffic.protocol };
  return sendGuarded({ kubectl: ctx.kubectl, namespace: ctx.options.namespace, selector: traffic.guardSelector ?? APP_SELECTOR, client, plan, log: ctx.log, lane: ctx.lane, what });
}

/**
 * sendMeasured once every source was answered by each endpoint it should reach (at most upstream's
 * 30 s: a proxy still adding one when a burst of seconds starts would skew it on every node; seen
 * in CI for MultiPort, and on a fresh cluster for UDP), then judged per source and endpoint
 * (forwarding, reach, balance) into the feature's checks.
 */
export async function measureTraffic(ctx: FeatureContext, traffic: MeasuredTraffic): Promise<RequestRecord[]> {
  const most = Math.max(1, ...traffic.targets.map((t) => traffic.expected(t.node).length));
  // Enough requests per round that a node answering from every endpoint shows each of them with the run's target power.
  const perRound = Math.max(1, probesToCatch(1 / most, TARGET_POWER));
  const short = await awaitEveryEndpoint(traffic.client, traffic.targets, traffic.expected, { perRound, protocol: traffic.protocol });
  if (short.length > 0) ctx.log.step(`not every endpoint answered through ${short.join(', ')} after 30 s; measuring anyway`);
  await traffic.beforeBurst?.();
  const records = await sendMeasured(ctx, traffic, true);
  const { name, sources, endpoints, expected, unreachable, client, sized } = traffic;
  const evidence = { name, client: client.kind, sources, endpoints, expected, unreachable, records, ...sized, familyAlpha: ctx.familyAlpha, idPrefix: ctx.checkPrefix };
  ctx.result.addTraffic(judgeTraffic(evidence), records);
  return records;
}

/** The context of one of a feature's `parts` measured traffics: an equal share of the feature's alpha, its check ids under `prefix`. */
export function trafficShare(ctx: FeatureContext, parts: number, prefix: string): FeatureContext {
  return { ...ctx, familyAlpha: ctx.familyAlpha / parts, checkPrefix: `${ctx.checkPrefix}${prefix}` };
}

/** The requests per source of a traffic from `sources` to every one of `endpoints`, at the context's alpha (or --requests). */
export function sizedFor(ctx: FeatureContext, sources: number, endpoints: number): MeasuredTraffic['sized'] {
  return requestsPerNodeFor(ctx.options.requestsPerNode, { nodes: sources, endpoints }, { familyAlpha: ctx.familyAlpha });
}
