import net from 'node:net';
import { UsageError } from '../util/errors.js';
import { ContainerTrafficClient } from './container-client.js';
import { HostTrafficClient } from './host-client.js';
import type { ClientKind, TrafficClient } from './traffic-client.js';
import type { Kubectl } from '../kube/kubectl.js';
import { ensureClientPods } from '../lab/client-pods.js';
import { SpreadPodsClient } from './spread-pods-client.js';
import type { TrafficTarget } from './traffic-plan.js';

export interface ClientContext {
  runId: string;
  appImage: string;
  dockerNetwork?: string;
  targets: TrafficTarget[];
  /** Where `pods` puts its client pods (a DaemonSet in the feature's namespace); unset: the feature's traffic must come from outside the cluster. */
  inCluster?: { kubectl: Kubectl; namespace: string };
}

/**
 * pods: the client pods on every node, for a feature that allows it (`inCluster`), else auto.
 * auto: the host when it can reach every node (it connects, or the node refuses: either way the
 * node answered), else a container on the cluster's network. A refusal counts because a port the
 * proxy has not programmed yet, or one it rejects, says nothing of whether the host can route there.
 */
export async function chooseClient(asked: ClientKind, context: ClientContext): Promise<TrafficClient> {
  let kind = asked;
  if (kind === 'pods') {
    if (context.inCluster) {
      const { kubectl, namespace } = context.inCluster;
      const pods = await ensureClientPods(kubectl, namespace, context.appImage, [...new Set(context.targets.map((t) => t.node))]);
      return new SpreadPodsClient(kubectl, namespace, pods.map((p) => p.pod));
    }
    // A feature whose check is of traffic from outside the cluster (a source address, a refusal) keeps an outside client.
    kind = 'auto';
  }
  if (kind === 'host') return new HostTrafficClient();
  if (kind === 'auto') {
    const reachable = await Promise.all(context.targets.map((t) => answers(t.address, t.port)));
    if (reachable.every(Boolean)) return new HostTrafficClient();
    if (!context.dockerNetwork) {
      const unreachable = context.targets.filter((_, i) => !reachable[i]).map((t) => `${t.node} (${t.address})`);
      throw new UsageError(`this host cannot reach ${unreachable.join(', ')} and the cluster is not on a known Docker network`, 'run the harness where the nodes are reachable');
    }
  }
  if (!context.dockerNetwork) {
    throw new UsageError('--client container needs the cluster\'s Docker network, which is only known for kind clusters made by this harness', 'use --client host');
  }
  return ContainerTrafficClient.start(context.appImage, context.dockerNetwork, context.runId);
}

/** Whether `host` answers a connection to `port` within the timeout: accepted or refused. */
export function answers(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket
      .once('connect', () => done(true))
      .once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'))
      .once('timeout', () => done(false));
  });
}
