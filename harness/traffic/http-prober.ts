import http from 'node:http';
import type { Socket } from 'node:net';
import type { AxiosInstance, AxiosStatic } from 'axios';
import type { RequestRecord } from './request-record.js';
import { hostPort, type PlainRequest, type TrafficTarget } from './traffic-plan.js';

interface MessageReply {
  sender?: unknown;
  message?: unknown;
  host?: unknown;
  podIP?: unknown;
  node?: unknown;
  client?: unknown;
  port?: unknown;
}

/** An agent that never reuses a connection and tells who asked which socket it opened. */
class OneConnectionAgent extends http.Agent {
  constructor(private readonly onSocket: (socket: Socket) => void) {
    super({ keepAlive: false });
  }

  override createConnection(...args: Parameters<http.Agent['createConnection']>): ReturnType<http.Agent['createConnection']> {
    const socket = super.createConnection(...args) as Socket;
    this.onSocket(socket);
    return socket;
  }
}

/**
 * Sends POST /api/messages, each on a NEW TCP connection: a proxy balances connections, not
 * requests, so a kept-alive connection would pin every request to one backend.
 */
export class HttpProber {
  private constructor(private readonly axios: AxiosStatic, private readonly http: AxiosInstance) {}

  static async create(timeoutMs: number): Promise<HttpProber> {
    // Loaded on first use: Playwright's runner imports this module only to list the tests.
    const { default: axios } = await import('axios');
    return new HttpProber(axios, axios.create({
      proxy: false,
      timeout: timeoutMs,
      validateStatus: () => true,
      // The app never redirects; follow-redirects' wrapper would only cost time per request.
      maxRedirects: 0,
      headers: { 'Content-Type': 'application/json', Connection: 'close' },
    }));
  }

  /** POSTs the lab's message, or sends `request` instead (its reply is kept whole and not validated). */
  async send(seq: number, target: TrafficTarget, sender: string, request?: PlainRequest): Promise<RequestRecord> {
    let clientPort: number | null = null;
    let sourceAddress: string | null = null;
    // The local end is read at connect time: after the reply the socket may already be gone.
    const httpAgent = new OneConnectionAgent((socket) =>
      socket.once('connect', () => {
        clientPort = socket.localPort ?? null;
        sourceAddress = socket.localAddress ?? null;
      }),
    );
    const base = { seq, sentAt: Date.now(), node: target.node, address: target.address, port: target.port };
    const started = performance.now();
    const origin = `http://${hostPort(target.address, target.port)}`;
    try {
      if (request) {
        const response = await this.http.get<unknown>(`${origin}${request.path}`, { httpAgent });
        const none = { seenSource: null, pod: null, podIP: null, backendNode: null };
        return { ...base, ...none, clientPort, sourceAddress, status: response.status, latencyMs: performance.now() - started, error: null, reply: response.data };
      }
      const response = await this.http.post<MessageReply>(`${origin}/api/messages`, { sender }, { httpAgent });
      const body: MessageReply = typeof response.data === 'object' && response.data !== null ? response.data : {};
      return {
        ...base,
        clientPort,
        sourceAddress,
        seenSource: typeof body.client === 'string' ? body.client : null,
        status: response.status,
        pod: typeof body.host === 'string' ? body.host : null,
        podIP: typeof body.podIP === 'string' ? body.podIP : null,
        backendNode: typeof body.node === 'string' ? body.node : null,
        ...(typeof body.port === 'number' ? { servedPort: body.port } : {}),
        latencyMs: performance.now() - started,
        error: validateReply(response.status, body, sender),
      };
    } catch (error) {
      return { ...base, clientPort, sourceAddress, seenSource: null, status: null, pod: null, podIP: null, backendNode: null, latencyMs: performance.now() - started, error: this.describe(error) };
    }
  }

  private describe(error: unknown): string {
    if (this.axios.isAxiosError(error)) return error.code ? `${error.code}: ${error.message}` : error.message;
    return error instanceof Error ? error.message : String(error);
  }
}

/** The reply must be the lab's: 200, the sender echoed, "Hello S (direct)", and which pod answered. */
export function validateReply(status: number, body: MessageReply, sender: string): string | null {
  if (status !== 200) return `HTTP ${status}`;
  if (body.sender !== sender) return `reply echoed sender ${JSON.stringify(body.sender)}, expected ${JSON.stringify(sender)}`;
  if (body.message !== `Hello ${sender} (direct)`) return `unexpected message ${JSON.stringify(body.message)}`;
  if (typeof body.host !== 'string' || body.host === '') return 'reply does not say which pod answered (host)';
  return null;
}
