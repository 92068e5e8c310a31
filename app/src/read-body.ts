import type { IncomingMessage } from 'node:http';

/** The request body was larger than the limit; the caller answers 413. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The client went away before the body was complete; there is nobody to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('client closed the connection before the request body was complete');
    this.name = 'ClientGoneError';
  }
}

/** Past the limit the body is still read and thrown away, up to this many bytes per limit byte. */
const DRAIN_FACTOR = 16;

/**
 * Reads the whole request body, up to `limit` bytes.
 *
 * A body over the limit is read to its end and discarded before rejecting, so the client has
 * finished sending when the 413 arrives (closing a socket with unread bytes makes the kernel
 * send a reset, and the client would see ECONNRESET instead of the answer). Bodies larger than
 * DRAIN_FACTOR × limit, declared or sent, are rejected at once.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const drainLimit = limit * DRAIN_FACTOR;
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > drainLimit) {
    return Promise.reject(new BodyTooLargeError(limit));
  }

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;

    const settle = (error: Error | null, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      if (error) reject(error);
      else resolve(body ?? Buffer.alloc(0));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > drainLimit) settle(new BodyTooLargeError(limit));
      else chunks.length = 0;
    };

    req.on('data', onData);
    req.on('end', () => {
      settle(size > limit ? new BodyTooLargeError(limit) : null, Buffer.concat(chunks, size));
    });
    req.on('error', () => settle(new ClientGoneError()));
    req.on('close', () => settle(new ClientGoneError()));
  });
}
