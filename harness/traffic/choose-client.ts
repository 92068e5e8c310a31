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

/** auto: the host when it can open a connection to every node's NodePort, else a container. */
export async function chooseClient(kind: ClientKind, context: ClientContext): Promise<TrafficClient> {
  if (kind === 'host') return new HostTrafficClient();
  if (kind === 'auto') {
    const reachable = await Promise.all(context.targets.map((t) => canConnect(t.address, t.port)));
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

function canConnect(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
  });
}
