import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../kube/bounds.js';
import { notYet, waitFor } from '../util/wait.js';
import { HostTrafficClient } from './host-client.js';
import type { RequestRecord } from './request-record.js';
import type { TrafficClient } from './traffic-client.js';
import { GIVE_UP_AFTER, type PlainRequest, type TrafficTarget } from './traffic-plan.js';

/** When one target first showed what was awaited, counted from `since`; null when it never did. */
export interface Convergence {
  node: string;
  afterMs: number | null;
  /** The last reply (or failure) seen from this target. */
  last: RequestRecord | null;
}

export interface AwaitEachOptions {
  /** Epoch ms the change was made; afterMs counts from it. */
  since?: number;
  timeoutMs?: number;
  /** Each probe's own timeout; a connection that needs longer counts as a timeout. */
  probeTimeoutMs?: number;
  sender?: string;
  /** Pause between rounds of probes (default 250 ms). */
  intervalMs?: number;
  /** A plain request instead of the app's POST (see TrafficPlan.request). */
  request?: PlainRequest;
  /** The app's message over UDP instead (see TrafficPlan.protocol). */
  protocol?: 'udp';
}

/**
 * Probes every target (one request each through `client`, a round every 250 ms unless told) until each has shown what
 * `reached` looks for, or the timeout passes; reports per target when it first did. The proxy is
 * given upstream's 30 s to follow a change unless told otherwise.
 */
export async function awaitEach(client: TrafficClient, targets: readonly TrafficTarget[], reached: (record: RequestRecord) => boolean, options: AwaitEachOptions = {}): Promise<Convergence[]> {
  const since = options.since ?? Date.now();
  const result = new Map(targets.map((t) => [t.node, { node: t.node, afterMs: null as number | null, last: null as RequestRecord | null }]));
  const waiting = () => targets.filter((t) => result.get(t.node)!.afterMs === null);
  await waitFor(
    async () => {
      const probe = waiting();
      const records = await client.send({ targets: probe, requestsPerNode: 1, concurrency: probe.length, timeoutMs: options.probeTimeoutMs ?? 2_000, sender: options.sender ?? 'world1', giveUpAfter: GIVE_UP_AFTER, request: options.request, protocol: options.protocol });
      const at = Date.now() - since;
      for (const record of records) {
        const entry = result.get(record.node)!;
        entry.last = record;
        if (reached(record)) entry.afterMs = at;
      }
      const left = waiting();
      return left.length === 0 ? true : notYet(`${left.map((t) => t.node).join(', ')} not there yet`);
    },
    { what: 'every target to follow the change', timeoutMs: options.timeoutMs ?? PROXY_PROGRAMMING_TIMEOUT_MS, intervalMs: options.intervalMs ?? 250 },
  ).catch(() => undefined);
  return targets.map((t) => result.get(t.node)!);
}

/**
 * A proxy needs a moment to program a new Service. Waits until every target has answered one
 * request, up to `timeoutMs`. Returns the nodes that never answered; the caller still measures
 * them, so a broken node is judged by the checks rather than hidden by this wait.
 */
export async function awaitProgrammed(
  targets: TrafficTarget[],
  sender: string,
  timeoutMs = PROXY_PROGRAMMING_TIMEOUT_MS,
  client: TrafficClient = new HostTrafficClient(),
  protocol?: 'udp',
): Promise<string[]> {
  const converged = await awaitEach(client, targets, (r) => r.error === null, { timeoutMs, sender, protocol });
  return converged.filter((c) => c.afterMs === null).map((c) => c.node);
}

/**
 * Waits until every target has been answered by each pod `expected` names for its node (rounds of
 * `perRound` requests per target, those still short of one sent again), or upstream's 30 s have
 * passed; returns the targets that never were. A measured burst takes seconds (UDP: 1,100
 * datagrams a node in about 1.5 s here), so a proxy still adding an endpoint when it starts would
 * skew it on every node; a node that never reaches one is measured anyway, and its reach check
 * says so.
 */
export async function awaitEveryEndpoint(
  client: TrafficClient,
  targets: readonly TrafficTarget[],
  expected: (node: string) => readonly string[],
  options: { perRound: number; protocol?: 'udp'; sender?: string },
): Promise<string[]> {
  const seen = new Map(targets.map((t) => [t.node, new Set<string>()]));
  const short = () => targets.filter((t) => expected(t.node).some((p) => !seen.get(t.node)!.has(p)));
  await waitFor(
    async () => {
      const probe = short();
      const records = await client.send({ targets: probe, requestsPerNode: options.perRound, concurrency: probe.length * options.perRound, timeoutMs: 2_000, sender: options.sender ?? 'world1', giveUpAfter: options.perRound + 1, protocol: options.protocol });
      for (const r of records) if (r.pod !== null) seen.get(r.node)?.add(r.pod);
      const left = short();
      return left.length === 0 ? true : notYet(`${left.map((t) => t.node).join(', ')} not answered by every endpoint yet`);
    },
    { what: 'every target to be answered by every endpoint', timeoutMs: PROXY_PROGRAMMING_TIMEOUT_MS, intervalMs: 250 },
  ).catch(() => undefined);
  return short().map((t) => t.node);
}
