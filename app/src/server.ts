import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Identity } from './identity.js';
import { sendError, sendJson } from './json-response.js';
import { handleMessages } from './messages-handler.js';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_DRAIN_MS = 5_000;

export interface HelloServerOptions {
  readonly identity: Identity;
  /** Larger request bodies get 413. Default 64 KiB. */
  readonly maxBodyBytes?: number;
}

export interface ShutdownResult {
  /** True when in-flight requests outlived the grace period and their connections were cut. */
  readonly forced: boolean;
}

export interface HelloServer {
  readonly server: http.Server;
  /** Starts listening; host omitted means every interface (IPv6 and IPv4 when available). */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Stops accepting connections, closes idle keep-alive ones, lets in-flight requests finish
   * (their responses carry `Connection: close`) and cuts whatever is left after `graceMs`.
   * Idempotent: later calls return the first call's promise.
   */
  shutdown(graceMs?: number): Promise<ShutdownResult>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

interface Route {
  readonly methods: readonly string[];
  readonly handle: Handler;
}

/** Builds the helloworld server. It listens only when `listen` is called (main.ts, tests). */
export function createHelloServer(options: HelloServerOptions): HelloServer {
  const ctx = {
    identity: options.identity,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
  const routes: ReadonlyMap<string, Route> = new Map<string, Route>([
    ['/api/messages', { methods: ['POST'], handle: (req, res) => handleMessages(req, res, ctx) }],
    ['/healthz', { methods: ['GET', 'HEAD'], handle: (_req, res) => sendJson(res, 200, { status: 'ok' }) }],
  ]);

  let closing = false;
  let shutdownPromise: Promise<ShutdownResult> | undefined;
  const inFlight = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    if (closing) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    res.on('finish', () => {
      // A keep-alive connection whose request finished during shutdown is idle now: close it.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    void dispatch(routes, req, res);
  });

  return {
    server,
    listen(port, host) {
      return new Promise<AddressInfo>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    shutdown(graceMs = DEFAULT_DRAIN_MS) {
      shutdownPromise ??= new Promise<ShutdownResult>((resolve) => {
        closing = true;
        for (const res of inFlight) {
          if (!res.headersSent) res.setHeader('Connection', 'close');
        }
        let forced = false;
        const timer = setTimeout(() => {
          forced = true;
          server.closeAllConnections();
        }, graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve({ forced });
        });
        server.closeIdleConnections();
      });
      return shutdownPromise;
    },
  };
}

async function dispatch(
  routes: ReadonlyMap<string, Route>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const path = pathOf(req.url);
  const route = path === null ? undefined : routes.get(path);
  try {
    if (!route) {
      sendError(res, 404, `not found: ${method} ${path ?? req.url ?? ''}`);
    } else if (!route.methods.includes(method)) {
      const allow = route.methods.join(', ');
      sendError(res, 405, `method ${method} not allowed on ${path ?? ''}; allowed: ${allow}`, { Allow: allow });
    } else {
      await route.handle(req, res);
    }
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
    } else {
      sendError(res, 500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The path part of a request target ("/api/messages?x=1" -> "/api/messages"), null if unparsable. */
function pathOf(url: string | undefined): string | null {
  try {
    return new URL(url ?? '/', 'http://placeholder').pathname;
  } catch {
    return null;
  }
}
