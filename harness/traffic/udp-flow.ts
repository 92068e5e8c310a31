import dgram from 'node:dgram';
import net from 'node:net';
import type { TrafficTarget } from './traffic-plan.js';

/** One answer a flow got: when, and from which pod. */
export interface FlowAnswer {
  at: number;
  pod: string;
}

/**
 * One UDP flow: the lab's message sent every `intervalMs` from ONE source port to one target, as a
 * client that never stops talking (DNS over a long-lived socket, a game, a VPN) does. Conntrack
 * keeps such a flow pinned to the endpoint its first datagram got, so when that endpoint goes the
 * proxy must delete the entry, or the flow is black-holed for as long as it keeps sending. The
 * socket is not connected: an ICMP error from a stopping pod changes nothing, the next datagram goes.
 */
export class UdpFlow {
  readonly answers: FlowAnswer[] = [];
  sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(
    readonly target: TrafficTarget,
    private readonly socket: dgram.Socket,
    /** The source port every datagram of the flow comes from. */
    readonly sourcePort: number,
  ) {}

  static async start(target: TrafficTarget, sender: string, intervalMs: number): Promise<UdpFlow> {
    const socket = dgram.createSocket(net.isIPv6(target.address) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const flow = new UdpFlow(target, socket, socket.address().port);
    socket.on('error', () => undefined);
    socket.on('message', (message) => {
      try {
        const reply = JSON.parse(message.toString('utf8')) as { host?: unknown };
        if (typeof reply.host === 'string') flow.answers.push({ at: Date.now(), pod: reply.host });
      } catch {
        // Not the app's reply: not an answer.
      }
    });
    const payload = JSON.stringify({ sender });
    const send = () => {
      flow.sent++;
      socket.send(payload, target.port, target.address);
    };
    send();
    flow.timer = setInterval(send, intervalMs);
    return flow;
  }

  /** The pod that answered last, or null before any answer. */
  get lastPod(): string | null {
    return this.answers.at(-1)?.pod ?? null;
  }

  /** The first answer at or after `since` from a pod not in `gone`, or null. */
  firstAnswerFrom(since: number, gone: ReadonlySet<string>): FlowAnswer | null {
    return this.answers.find((a) => a.at >= since && !gone.has(a.pod)) ?? null;
  }

  /** Stops sending and closes the socket; again does nothing. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.socket.close();
  }
}
