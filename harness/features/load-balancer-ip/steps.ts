import assert from 'node:assert/strict';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../kube/bounds.js';
import { endpointsByNode } from '../../lab/local-endpoints.js';
import { ServiceUnderTest } from '../../lab/service-under-test.js';
import type { Endpoint } from '../../queries/types.js';
import type { CheckLine } from '../../report/report-types.js';
import { unreachedCheck } from '../../report/unreached-check.js';
import { UNREACHED_PROBES } from '../../stats/unreached-probes.js';
import { awaitEach } from '../../traffic/await-programmed.js';
import type { ContainerTrafficClient } from '../../traffic/container-client.js';
import type { VirtualIpRoute } from '../../traffic/routed-client.js';
import { connected, probeUnreached, UNREACHED_TIMEOUT_MS } from '../../traffic/unreached.js';
import type { FeatureContext, FeatureStep } from '../feature.js';
import { featureFile } from '../feature-file.js';
import { measureRouted, routedLabel, routedTargets, routeVirtualIps } from '../virtual-ip-traffic.js';

export const SLUG = 'load-balancer-ip';
/** externalTrafficPolicy Cluster, port 80; its sibling has Local, port 81, on the same IPs. */
export const LOAD_BALANCER_SERVICE = 'kpc-load-balancer';
const LOCAL_SERVICE = 'kpc-load-balancer-local';
const LOAD_BALANCER_MANIFEST = featureFile(SLUG, 'services.yaml');
/** A source range that holds no client of this run (TEST-NET-1, RFC 5737): nothing is ever sent to it. */
const EXCLUDING_RANGE = '192.0.2.0/24';

interface LoadBalancerJson {
  spec: { ports: { port: number }[] };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

/** Writes the Service's load-balancer IPs into its status, as a load-balancer controller would, and reads them back. */
async function assignIngress(ctx: FeatureContext, service: ServiceUnderTest, addresses: readonly string[]): Promise<number> {
  const status = { status: { loadBalancer: { ingress: addresses.map((ip) => ({ ip })) } } };
  await ctx.kubectl.run(['patch', 'service', service.name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)], { namespace: service.namespace });
  const applied = (await service.json()) as LoadBalancerJson;
  assert.deepEqual((applied.status?.loadBalancer?.ingress ?? []).map((i) => i.ip), [...addresses], `${service.name} did not keep the load-balancer IPs written to its status`);
  return applied.spec.ports[0]!.port;
}

/** Sets the Cluster Service's loadBalancerSourceRanges; null removes them. */
async function setSourceRanges(ctx: FeatureContext, ranges: string[] | null): Promise<void> {
  await ctx.kubectl.run(['patch', 'service', LOAD_BALANCER_SERVICE, '--type=merge', '-p', JSON.stringify({ spec: { loadBalancerSourceRanges: ranges } })], { namespace: ctx.options.namespace });
}

/**
 * LoadBalancer Services whose ingress IPs (one per node) are routed each through its node:
 * Cluster policy reaches every endpoint evenly; Local reaches only the node's own, and nothing
 * through a node without one; loadBalancerSourceRanges keep out a client they exclude.
 */
export function loadBalancerIpSteps(): FeatureStep[] {
  let client: ContainerTrafficClient;
  let routes: VirtualIpRoute[];
  let service: ServiceUnderTest;
  let local: ServiceUnderTest;
  let endpoints: Endpoint[];
  let port: number;
  let localPort: number;
  // Two measured traffics share the feature's alpha (Cluster and Local); the source ranges have no statistics.
  const share = (ctx: FeatureContext) => ctx.familyAlpha / 2;

  return [
    {
      title: '1. route one load-balancer IP through each node; deploy the app behind two LoadBalancer Services on those IPs (Cluster on port 80, Local on port 81) and write their status as their controller',
      name: 'deploy',
      async run(ctx) {
        ({ client, routes } = await routeVirtualIps(ctx, SLUG));
        ({ service, endpoints } = await ctx.lab.deployBehind(LOAD_BALANCER_SERVICE, LOAD_BALANCER_MANIFEST, ctx.options.replicas));
        // An earlier run's step 4 left source ranges that hold its own client; an apply keeps what a patch set.
        await setSourceRanges(ctx, null);
        local = new ServiceUnderTest(ctx.kubectl, ctx.options.namespace, LOCAL_SERVICE);
        const addresses = routes.map((r) => r.address);
        port = await assignIngress(ctx, service, addresses);
        localPort = await assignIngress(ctx, local, addresses);
      },
    },
    {
      title: "2. externalTrafficPolicy Cluster: POST to each node's load-balancer IP through that node, and judge every node",
      name: 'traffic',
      async run(ctx) {
        await measureRouted({ ...ctx, familyAlpha: share(ctx) }, { name: `load-balancer IPs, port ${port} (externalTrafficPolicy Cluster), each through its node`, client, routes, port, endpoints });
      },
    },
    {
      title: '3. externalTrafficPolicy Local: through a node that holds endpoints only its own answer, evenly; through one that holds none, nothing',
      name: 'local',
      async run(ctx) {
        const onNode = endpointsByNode(endpoints, routes.map((r) => r.node));
        const holding = routes.filter((r) => onNode.get(r.node)!.length > 0);
        const empty = routes.filter((r) => onNode.get(r.node)!.length === 0);
        ctx.result.note(`externalTrafficPolicy Local: endpoints per node: ${routes.map((r) => `${r.node} ${onNode.get(r.node)!.length}`).join(', ')}`);
        const prefix = `${ctx.checkPrefix}local-`;
        // The nodes with endpoints are measured while the ones without are probed: both at once.
        const measured = async () => {
          if (holding.length === 0) return;
          const name = `load-balancer IPs, port ${localPort} (externalTrafficPolicy Local), each through its node that holds endpoints`;
          await measureRouted({ ...ctx, familyAlpha: share(ctx), checkPrefix: prefix }, { name, client, routes: holding, port: localPort, endpoints, expected: (node) => onNode.get(node)! });
        };
        const probed = async () => {
          if (empty.length === 0) return;
          const from = Date.now();
          const changedAt = await local.lastChangedAt();
          const probes = await probeUnreached(client, routedTargets(empty, localPort), changedAt + PROXY_PROGRAMMING_TIMEOUT_MS, UNREACHED_PROBES);
          const span = `(probed over ${((Date.now() - from) / 1000).toFixed(1)} s, until ${((Date.now() - changedAt) / 1000).toFixed(1)} s after the Service or its endpoints last changed)`;
          const rule = 'a node without a local endpoint must not forward load-balancer traffic under externalTrafficPolicy Local';
          ctx.result.addChecks(empty.map((r) => unreachedCheck({ id: `${prefix}no-local-endpoint/${r.node}`, node: r.node, label: routedLabel(r, localPort), records: probes.filter((p) => p.node === r.node), span, rule })));
        };
        await Promise.all([measured(), probed()]);
      },
    },
    {
      title: "4. loadBalancerSourceRanges that exclude the client: no connection through any node reaches a pod; ranges that hold it: every node answers again",
      name: 'source-ranges',
      async run(ctx) {
        const targets = routedTargets(routes, port);
        const setRanges = (ranges: string[]) => setSourceRanges(ctx, ranges);

        let since = Date.now();
        await setRanges([EXCLUDING_RANGE]);
        // Until each node stops forwarding (at most upstream's 30 s), then one round of probes that must all be kept out.
        const closed = await awaitEach(client, targets, (r) => !connected(r), { since, probeTimeoutMs: UNREACHED_TIMEOUT_MS });
        const probes = await probeUnreached(client, targets.filter((t) => closed.find((c) => c.node === t.node)!.afterMs !== null), 0, UNREACHED_PROBES);
        const rule = `loadBalancerSourceRanges ${EXCLUDING_RANGE} exclude the client (${client.address}): its connections must reach no pod`;
        const checks: CheckLine[] = routes.map((r) => {
          const c = closed.find((x) => x.node === r.node)!;
          const records = c.afterMs === null ? (c.last ? [c.last] : []) : probes.filter((p) => p.node === r.node);
          const span = c.afterMs === null ? `(still reached ${PROXY_PROGRAMMING_TIMEOUT_MS / 1000} s after the change)` : `(kept out ${(c.afterMs / 1000).toFixed(1)} s after the change, then ${UNREACHED_PROBES} probes)`;
          return unreachedCheck({ id: `${ctx.checkPrefix}source-ranges/${r.node}`, node: r.node, label: routedLabel(r, port), records, span, rule });
        });

        since = Date.now();
        await setRanges([`${client.address}/32`]);
        const open = await awaitEach(client, targets, (r) => r.pod !== null, { since });
        for (const c of open) {
          const route = routes.find((r) => r.node === c.node)!;
          const base = { id: `${ctx.checkPrefix}source-ranges-allowed/${c.node}`, node: c.node, endpoint: null };
          const label = `${routedLabel(route, port)} with loadBalancerSourceRanges ${client.address}/32`;
          checks.push(
            c.afterMs !== null
              ? { ...base, status: 'pass', message: `${label}: answered ${(c.afterMs / 1000).toFixed(1)} s after the change` }
              : { ...base, status: 'fail', message: `${label}: not answered ${PROXY_PROGRAMMING_TIMEOUT_MS / 1000} s after the change (last: ${c.last?.error ?? 'nothing'}): a range that holds the client must let it in` },
          );
        }
        ctx.result.addChecks(checks);
      },
    },
  ];
}
