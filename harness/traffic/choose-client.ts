import net from 'node:net';
import { UsageError } from '../util/errors.js';
import { ContainerTrafficClient } from './container-client.js';
import { HostTrafficClient } from './host-client.js';
import type { ClientKind, TrafficClient } from './traffic-client.js';
import type { TrafficTarget } from './traffic-plan.js';

export interface ClientContext {
  runId: string;
  appImage: string;
  dockerNetwork?: string;
  targets: TrafficTarget[];
}

/**
 * auto: the host when it can reach every node (it connects, or the node refuses: either way the
 * node answered), else a container on the cluster's network. A refusal counts because a port the
 * proxy has not programmed yet, or one it rejects, says nothing of whether the host can route there.
 */
export async function chooseClient(kind: ClientKind, context: ClientContext): Promise<TrafficClient> {
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
