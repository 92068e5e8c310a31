import dgram from 'node:dgram';
import net from 'node:net';
import { validateReply } from './http-prober.js';
import type { RequestRecord } from './request-record.js';
import type { TrafficTarget } from './traffic-plan.js';

/**
 * Sends the lab's message as one UDP datagram from a NEW socket (so a new source port) and waits
 * for the pod's reply: a proxy balances UDP by flow, and a flow is its source port. A reply
 * counts as status 200; a lost one times out (ECONNABORTED, as an HTTP timeout does, so a stalled
 * client is told apart the same way), an ICMP port unreachable is ECONNREFUSED. The source port
 * is recorded only when the reply came: no reply, no evidence that anything was reached.
 */
export class UdpProber {
  constructor(private readonly timeoutMs: number) {}

  send(seq: number, target: TrafficTarget, sender: string): Promise<RequestRecord> {
    const base = { seq, sentAt: Date.now(), node: target.node, address: target.address, port: target.port };
    const started = performance.now();
    const socket = dgram.createSocket(net.isIPv6(target.address) ? 'udp6' : 'udp4');
    const failed = (error: string): RequestRecord => ({ ...base, clientPort: null, sourceAddress: null, seenSource: null, status: null, pod: null, podIP: null, backendNode: null, latencyMs: performance.now() - started, error });
    return new Promise<RequestRecord>((resolve) => {
      const timer = setTimeout(() => resolve(failed(`ECONNABORTED: no UDP reply within ${this.timeoutMs} ms`)), this.timeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve(failed(`${error.code ?? 'EUDP'}: ${error.message}`));
      });
      socket.once('message', (message) => {
        clearTimeout(timer);
        resolve(replyRecord(base, message, sender, socket.address(), performance.now() - started));
      });
      socket.connect(target.port, target.address, () => socket.send(JSON.stringify({ sender })));
    }).finally(() => socket.close());
  }
}

function replyRecord(base: Pick<RequestRecord, 'seq' | 'sentAt' | 'node' | 'address' | 'port'>, message: Buffer, sender: string, local: { address: string; port: number }, latencyMs: number): RequestRecord {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(message.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: validateReply names what is missing.
  }
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : null);
  return {
    ...base,
    clientPort: local.port,
    sourceAddress: local.address,
    seenSource: text('client'),
    status: 200,
    pod: text('host'),
    podIP: text('podIP'),
    backendNode: text('node'),
    ...(typeof body['port'] === 'number' ? { servedPort: body['port'] } : {}),
    latencyMs,
    error: validateReply(200, body, sender),
  };
}
