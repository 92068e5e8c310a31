import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from './identity.js';
import { sendError, sendJson } from './json-response.js';
import { BodyTooLargeError, ClientGoneError, readBody } from './read-body.js';

/** The 200 answer to POST /api/messages. */
export type MessageReply = {
  readonly id: string;
  readonly sender: string;
  readonly message: string;
  readonly host: string;
  readonly pod: string;
  readonly podIP: string | null;
  readonly node: string | null;
  /** The source address the pod saw, so a client can tell whether the proxy preserved its own. */
  readonly client: string | null;
  /** The pod's port the request came in on, so a client can tell which of a Service's target ports the proxy chose. */
  readonly port: number | null;
};

export type ParsedMessage =
  | { readonly ok: true; readonly sender: string }
  | { readonly ok: false; readonly error: string };

/**
 * Parses a request body as JSON whatever its Content-Type (the lab's curl sends two of them),
 * and checks it is an object with a non-empty string `sender`.
 */
export function parseMessage(body: Buffer): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, error: 'request body is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'request body must be a JSON object like {"sender": "world1"}' };
  }
  if (!('sender' in value)) {
    return { ok: false, error: 'missing field "sender"' };
  }
  const sender: unknown = value.sender;
  if (typeof sender !== 'string') {
    return { ok: false, error: 'field "sender" must be a string' };
  }
  if (sender.trim() === '') {
    return { ok: false, error: 'field "sender" must not be empty' };
  }
  return { ok: true, sender };
}

export function buildReply(sender: string, identity: Identity, client: string | null = null, port: number | null = null, newId: () => string = randomUUID): MessageReply {
  return {
    id: newId(),
    sender,
    message: `Hello ${sender} (direct)`,
    host: identity.pod,
    pod: identity.pod,
    podIP: identity.podIP,
    node: identity.node,
    client,
    port,
  };
}

export interface MessagesContext {
  readonly identity: Identity;
  readonly maxBodyBytes: number;
}

/** POST /api/messages */
export async function handleMessages(req: IncomingMessage, res: ServerResponse, ctx: MessagesContext): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, ctx.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendError(res, 413, `request body exceeds ${error.limit} bytes`, { Connection: 'close' });
      return;
    }
    if (error instanceof ClientGoneError) {
      res.destroy();
      return;
    }
    throw error;
  }

  const parsed = parseMessage(body);
  if (!parsed.ok) {
    sendError(res, 400, parsed.error);
    return;
  }
  sendJson(res, 200, buildReply(parsed.sender, ctx.identity, unmapped(req.socket.remoteAddress), req.socket.localPort ?? null));
}

/** "::ffff:10.244.1.1" (an IPv4 peer on a dual-stack socket) -> "10.244.1.1". */
function unmapped(address: string | undefined): string | null {
  if (!address) return null;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
