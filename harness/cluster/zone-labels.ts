import type { Kubectl } from '../kube/kubectl.js';
import type { Logger } from '../util/log.js';
import { notYet, waitFor } from '../util/wait.js';
import { ZONE_LABEL, ZONES } from './kind-config.js';

interface NodeList {
  items: { metadata: { name: string; labels?: Record<string, string> } }[];
}

interface PodList {
  items: { metadata: { name: string }; spec?: { nodeName?: string } }[];
}

const CONTROL_PLANE_ROLE = 'node-role.kubernetes.io/control-plane';

/**
 * The zones the harness gives a cluster whose nodes have none, so that zone features can be tested
 * on its own clusters: the control planes and the first half of the workers in zone-a, the rest in
 * zone-b (1+3 nodes: zone-a holds the control plane and worker 1, zone-b workers 2 and 3; 1+2:
 * worker 1 in zone-a, worker 2 in zone-b). Two zones that both hold workers give endpoints in both;
 * a zone with two workers tells "same zone" apart from "same node"; the control plane, which holds
 * no endpoint, is a client whose zone has an endpoint on another node. Workers are taken in kind's
 * order (worker, worker2, ..., worker10).
 */
export function planZones(nodes: readonly { name: string; controlPlane: boolean }[]): Map<string, string> {
  const workers = nodes.filter((n) => !n.controlPlane).map((n) => n.name).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const inZoneA = new Set(workers.slice(0, Math.floor(workers.length / 2)));
  return new Map(nodes.map((n) => [n.name, n.controlPlane || inZoneA.has(n.name) ? ZONES[0] : ZONES[1]]));
}

/** planZones for nodes as the API lists them: a control plane carries kubeadm's role label. */
export function planZonesOf(nodes: NodeList['items']): Map<string, string> {
  return planZones(nodes.map((n) => ({ name: n.metadata.name, controlPlane: n.metadata.labels?.[CONTROL_PLANE_ROLE] !== undefined })));
}

/**
 * kube-proxy logs this when its node config starts, which cmd/kube-proxy/app/server.go does only
 * after it has registered the proxier for the node's topology labels.
 */
export const KUBE_PROXY_WATCHES_ITS_NODE = 'Starting node config controller';

/** How long kube-proxy may take, once its pod runs, to log that it watches its node. */
const KUBE_PROXY_START_TIMEOUT_MS = 60_000;

/**
 * Labels the nodes of a cluster the harness booted into zones (planZones), unless a node already
 * has one (the user's kind config named zones, or the cluster is reused).
 *
 * With kind's kube-proxy, only once every kube-proxy watches its node: kube-proxy 1.34 hands its
 * node's zone to the proxier from an informer event that can be delivered before the proxier is
 * registered for it (NodeTopologyConfig in pkg/proxy/config/config.go), and then never again while
 * the label stays the same. A zone that is on the node when kube-proxy starts is therefore missed
 * on a node now and then, and that node ignores zone hints for the life of its kube-proxy (seen in
 * CI: one node of three spreading a PreferClose Service over every endpoint). A label set after the
 * start arrives as a change, which kube-proxy does pass on. docs/findings.md has the details.
 */
export async function labelZones(kubectl: Kubectl, kubeProxy: boolean, log: Logger, signal: AbortSignal): Promise<void> {
  const nodes = await kubectl.json<NodeList>(['get', 'nodes'], { signal });
  if (nodes.items.some((n) => n.metadata.labels?.[ZONE_LABEL] !== undefined)) return;
  const names = nodes.items.map((n) => n.metadata.name);
  if (kubeProxy) await awaitKubeProxyWatchingNodes(kubectl, names, log, signal);
  const plan = planZonesOf(nodes.items);
  const byZone = ZONES.map((zone) => ({ zone, inZone: names.filter((n) => plan.get(n) === zone) }));
  for (const { zone, inZone } of byZone) {
    if (inZone.length > 0) await kubectl.run(['label', 'nodes', ...inZone, `${ZONE_LABEL}=${zone}`], { signal });
  }
  log.info(`zones: ${byZone.map(({ zone, inZone }) => `${zone}: ${inZone.join(', ') || 'none'}`).join('; ')}`);
}

async function awaitKubeProxyWatchingNodes(kubectl: Kubectl, nodes: readonly string[], log: Logger, signal: AbortSignal): Promise<void> {
  try {
    await waitFor(
      async () => {
        const pods = await kubectl.json<PodList>(['get', 'pods', '--namespace', 'kube-system', '-l', 'k8s-app=kube-proxy'], { signal });
        const waiting: string[] = [];
        for (const node of nodes) {
          const pod = pods.items.find((p) => p.spec?.nodeName === node)?.metadata.name;
          const logs = pod ? (await kubectl.run(['logs', '--namespace', 'kube-system', pod], { signal })).stdout : '';
          if (!logs.includes(KUBE_PROXY_WATCHES_ITS_NODE)) waiting.push(pod ? `${pod} on ${node}` : `no kube-proxy pod on ${node}`);
        }
        return waiting.length === 0 ? true : notYet(`not logged "${KUBE_PROXY_WATCHES_ITS_NODE}" yet: ${waiting.join(', ')}`);
      },
      { what: 'every kube-proxy to watch its node', timeoutMs: KUBE_PROXY_START_TIMEOUT_MS, intervalMs: 500, signal },
    );
  } catch (error) {
    if (signal.aborted) throw error;
    // A kube-proxy that logs otherwise (another version) still gets its zone; it may miss it as above.
    log.info(`labelling the zones anyway: ${error instanceof Error ? error.message : String(error)}`);
  }
}
