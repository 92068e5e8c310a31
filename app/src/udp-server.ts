import dgram from 'node:dgram';
import type { Identity } from './identity.js';
import { buildReply, parseMessage } from './messages-handler.js';

export interface UdpServer {
  /** Binds every interface (IPv6 and IPv4 where the pod has IPv6, else IPv4); resolves to the port. */
  listen(port: number): Promise<number>;
  /** Stops answering at once: a datagram in flight to a stopping pod must find nothing (UDP has no drain). */
  close(): Promise<void>;
}

/**
 * The lab's message over UDP: each datagram {"sender": S} is answered, to its source, with the
 * JSON POST /api/messages answers (its `client` the datagram's source address, its `port` this
 * port). A datagram that is not such a message gets {"error": ...}.
 */
export function createUdpServer(identity: Identity): UdpServer {
  let socket: dgram.Socket | undefined;

  const bind = (type: 'udp4' | 'udp6', port: number) =>
    new Promise<dgram.Socket>((resolve, reject) => {
      const s = dgram.createSocket({ type, ipv6Only: false });
      s.once('error', reject);
      s.bind(port, () => {
        s.off('error', reject);
        resolve(s);
      });
    });

  const answer = (s: dgram.Socket, message: Buffer, from: dgram.RemoteInfo) => {
    const parsed = parseMessage(message);
    const client = from.address.startsWith('::ffff:') && from.address.includes('.') ? from.address.slice(7) : from.address;
    const reply = parsed.ok ? buildReply(parsed.sender, identity, client, s.address().port) : { error: parsed.error };
    s.send(JSON.stringify(reply), from.port, from.address);
  };

  return {
    async listen(port) {
      socket = await bind('udp6', port).catch(() => bind('udp4', port));
      const s = socket;
      s.on('message', (message, from) => answer(s, message, from));
      // A reply to a client that is gone comes back as an error on the socket: nothing to do.
      s.on('error', () => undefined);
      return s.address().port;
    },
    close() {
      return new Promise((resolve) => (socket ? socket.close(() => resolve()) : resolve()));
    },
  };
}
