// The helloworld server (app/src) over real HTTP on 127.0.0.1, plus its bundle as a child process.
import { test, expect } from '@playwright/test';
import axios, { type AxiosInstance } from 'axios';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigError, parsePort } from '../../app/src/config.js';
import { identityFromEnv, type Identity } from '../../app/src/identity.js';
import { createHelloServer, type HelloServer } from '../../app/src/server.js';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const IDENTITY: Identity = { pod: 'helloworld-abc12-xyz34', podIP: '10.244.1.7', node: 'kind-worker2' };

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/** One request on a fresh TCP connection, headers sent exactly as given (a flat raw array). */
function rawRequest(
  port: number,
  options: { method: string; path: string; headers: string[]; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The lab's curl, byte for byte as curl sends it (including both Content-Type headers). */
function labCurlHeaders(port: number, body: string): string[] {
  return [
    'Host', `127.0.0.1:${port}`,
    'User-Agent', 'curl/7.88.1',
    'Accept', '*/*',
    'Content-Type', 'application/json',
    'Content-Type', 'text/plain',
    'Content-Length', String(Buffer.byteLength(body)),
  ];
}

function client(port: number): AxiosInstance {
  return axios.create({
    baseURL: `http://127.0.0.1:${port}`,
    proxy: false,
    validateStatus: () => true,
    httpAgent: new http.Agent({ keepAlive: false }),
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    timeout: 10_000,
  });
}

function json(text: unknown): unknown {
  expect(typeof text).toBe('string');
  return JSON.parse(text as string);
}

function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

test.describe('helloworld HTTP API', () => {
  let app: HelloServer;
  let port: number;
  let api: AxiosInstance;
  let connections = 0;

  test.beforeAll(async () => {
    app = createHelloServer({ identity: IDENTITY });
    app.server.on('connection', () => connections++);
    port = (await app.listen(0, '127.0.0.1')).port;
    api = client(port);
  });

  test.afterAll(async () => {
    await app.shutdown(1_000);
  });

  test('POST /api/messages answers the greeting with the pod identity', async () => {
    const res = await api.post('/api/messages', { sender: 'world1' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json\b/);
    const body = json(res.data) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['id', 'sender', 'message', 'host', 'pod', 'podIP', 'node', 'client', 'port']);
    expect(body).toMatchObject({
      sender: 'world1',
      message: 'Hello world1 (direct)',
      host: IDENTITY.pod,
      pod: IDENTITY.pod,
      podIP: IDENTITY.podIP,
      node: IDENTITY.node,
      // The source address the pod saw: this test's own loopback connection.
      client: '127.0.0.1',
      // The port it came in on.
      port,
    });
    expect(body['id']).toMatch(UUID_V4);
  });

  test('every answer has a fresh uuid v4', async () => {
    const ids = new Set<unknown>();
    for (let i = 0; i < 5; i++) {
      const res = await api.post('/api/messages', { sender: `s${i}` });
      ids.add((json(res.data) as Record<string, unknown>)['id']);
    }
    expect(ids.size).toBe(5);
  });

  test("accepts the lab's curl: two Content-Type headers, application/json first", async () => {
    const body = '{ "sender": "world1" }';
    const res = await rawRequest(port, { method: 'POST', path: '/api/messages', headers: labCurlHeaders(port, body), body });
    expect(res.status).toBe(200);
    expect(json(res.text)).toMatchObject({ sender: 'world1', message: 'Hello world1 (direct)', pod: IDENTITY.pod });
  });

  test('parses the body as JSON whatever the Content-Type says (text/plain first, or none)', async () => {
    const body = '{"sender":"plain"}';
    const textFirst = await rawRequest(port, {
      method: 'POST',
      path: '/api/messages',
      headers: ['Host', `127.0.0.1:${port}`, 'Content-Type', 'text/plain', 'Content-Type', 'application/json', 'Content-Length', String(body.length)],
      body,
    });
    expect(textFirst.status).toBe(200);
    expect(json(textFirst.text)).toMatchObject({ message: 'Hello plain (direct)' });

    const none = await rawRequest(port, {
      method: 'POST',
      path: '/api/messages',
      headers: ['Host', `127.0.0.1:${port}`, 'Content-Length', String(body.length)],
      body,
    });
    expect(none.status).toBe(200);
  });

  test('the real curl command from the lab works', async () => {
    const found = await execFileAsync('sh', ['-c', 'command -v curl']).then(() => true, () => false);
    test.skip(!found, 'curl is not installed');
    const { stdout } = await execFileAsync('curl', [
      '-sS', '--noproxy', '*', '-L', '-X', 'POST', `http://127.0.0.1:${port}/api/messages`,
      '-H', 'Content-Type: application/json', '-H', 'Content-Type: text/plain',
      '-d', '{ "sender": "world1" }',
    ]);
    expect(json(stdout)).toMatchObject({ sender: 'world1', message: 'Hello world1 (direct)', node: IDENTITY.node });
  });

  test('UTF-8 senders are echoed intact, and a query string is ignored', async () => {
    const res = await api.post('/api/messages?trace=1', { sender: 'wörld ✓' });
    expect(res.status).toBe(200);
    expect(json(res.data)).toMatchObject({ sender: 'wörld ✓', message: 'Hello wörld ✓ (direct)' });
  });

  const badBodies: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['malformed JSON', '{ "sender": ', /not valid JSON/],
    ['an empty body', '', /not valid JSON/],
    ['a JSON array', '["world1"]', /must be a JSON object/],
    ['a JSON string', '"world1"', /must be a JSON object/],
    ['a JSON number', '42', /must be a JSON object/],
    ['JSON null', 'null', /must be a JSON object/],
    ['no sender', '{"name":"world1"}', /missing field "sender"/],
    ['a numeric sender', '{"sender":1}', /must be a string/],
    ['a null sender', '{"sender":null}', /must be a string/],
    ['an object sender', '{"sender":{"name":"x"}}', /must be a string/],
    ['an empty sender', '{"sender":""}', /must not be empty/],
    ['a blank sender', '{"sender":"   "}', /must not be empty/],
  ];
  for (const [name, body, error] of badBodies) {
    test(`400 with a JSON error for ${name}`, async () => {
      const res = await api.post('/api/messages', body, {
        headers: { 'Content-Type': 'application/json' },
        transformRequest: (data: unknown) => data, // send the bytes as written, even when not JSON
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json\b/);
      const parsed = json(res.data) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual(['error']);
      expect(parsed['error']).toMatch(error);
    });
  }

  test('a body of exactly 64 KiB is accepted', async () => {
    const head = '{"sender":"big","pad":"';
    const body = `${head}${'a'.repeat(64 * 1024 - head.length - 2)}"}`;
    expect(Buffer.byteLength(body)).toBe(64 * 1024);
    const res = await api.post('/api/messages', body, { headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(200);
  });

  test('413 with a JSON error for a body over 64 KiB', async () => {
    const body = JSON.stringify({ sender: 'big', pad: 'a'.repeat(64 * 1024) });
    const res = await api.post('/api/messages', body, { headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(json(res.data)).toEqual({ error: 'request body exceeds 65536 bytes' });
  });

  test('413 at once when Content-Length declares a huge body', async () => {
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1', port, method: 'POST', path: '/api/messages', agent: false,
          headers: { 'Content-Type': 'application/json', 'Content-Length': String(100 * 1024 * 1024) },
        },
        (r) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (chunk: string) => (text += chunk));
          r.on('end', () => {
            req.destroy();
            resolve({ status: r.statusCode ?? 0, headers: r.headers, text });
          });
        },
      );
      req.on('error', reject);
      req.write('{"sender":"'); // never finished: the server must answer without waiting for 100 MiB
    });
    expect(res.status).toBe(413);
    expect(res.headers['connection']).toBe('close');
    expect(json(res.text)).toHaveProperty('error');
  });

  test('404 with a JSON error for other paths', async () => {
    for (const target of ['/', '/api', '/api/messages/', '/api/messages/1', '/hello']) {
      const res = await api.post(target, { sender: 'x' });
      expect(res.status, target).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json\b/);
      expect(json(res.data)).toEqual({ error: `not found: POST ${target}` });
    }
    const get = await api.get('/nope');
    expect(get.status).toBe(404);
  });

  test('405 with Allow: POST for other methods on /api/messages', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const) {
      const res = await api.request({ method, url: '/api/messages', data: method === 'GET' ? undefined : '{}' });
      expect(res.status, method).toBe(405);
      expect(res.headers['allow']).toBe('POST');
      expect((json(res.data) as Record<string, unknown>)['error']).toMatch(/not allowed/);
    }
  });

  test('GET /healthz answers {"status":"ok"}; HEAD too, without a body; POST is 405', async () => {
    const get = await api.get('/healthz');
    expect(get.status).toBe(200);
    expect(json(get.data)).toEqual({ status: 'ok' });

    const head = await api.head('/healthz');
    expect(head.status).toBe(200);
    expect(head.data ?? '').toBe('');

    const post = await api.post('/healthz', {});
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
  });

  test('a new TCP connection per request works, and Connection: close is honoured', async () => {
    const before = connections;
    for (let i = 0; i < 3; i++) {
      const res = await api.post('/api/messages', { sender: `c${i}` }, { headers: { Connection: 'close' } });
      expect(res.status).toBe(200);
      expect(res.headers['connection']).toBe('close');
    }
    expect(connections - before).toBe(3);

    // The server closes its side after answering a Connection: close request.
    const closedByServer = await new Promise<boolean>((resolve, reject) => {
      const body = '{"sender":"raw"}';
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
      });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text.startsWith('HTTP/1.1 200') && text.includes('"sender":"raw"')));
      socket.on('error', reject);
      socket.setTimeout(5_000, () => reject(new Error('server kept the connection open')));
    });
    expect(closedByServer).toBe(true);
  });

  test('keep-alive clients can send several requests on one connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const keepAlive = axios.create({ baseURL: `http://127.0.0.1:${port}`, proxy: false, httpAgent: agent, validateStatus: () => true });
    const before = connections;
    for (let i = 0; i < 3; i++) {
      expect((await keepAlive.post('/api/messages', { sender: `k${i}` })).status).toBe(200);
    }
    expect(connections - before).toBe(1);
    agent.destroy();
  });
});

test.describe('helloworld shutdown (in-process)', () => {
  test('an idle keep-alive connection does not hold up shutdown', async () => {
    const app = createHelloServer({ identity: IDENTITY });
    const { port } = await app.listen(0, '127.0.0.1');
    const agent = new http.Agent({ keepAlive: true });
    const res = await axios.post(`http://127.0.0.1:${port}/api/messages`, { sender: 'idle' }, { proxy: false, httpAgent: agent });
    expect(res.status).toBe(200);
    const started = Date.now();
    expect(await app.shutdown(5_000)).toEqual({ forced: false });
    expect(Date.now() - started).toBeLessThan(1_000);
    agent.destroy();
  });

  test('stops accepting at once, lets an in-flight request finish with Connection: close', async () => {
    const app = createHelloServer({ identity: IDENTITY });
    const { port } = await app.listen(0, '127.0.0.1');
    const arrived = new Promise<void>((resolve) => app.server.once('request', () => resolve()));

    const body = '{"sender":"in-flight"}';
    let finishBody = (): void => undefined;
    const response = new Promise<RawResponse>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1', port, method: 'POST', path: '/api/messages', agent: new http.Agent({ keepAlive: true }),
          headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 5));
      finishBody = () => req.end(body.slice(5));
    });
    await arrived;

    let done = false;
    const shutdown = app.shutdown(5_000).then((result) => {
      done = true;
      return result;
    });
    expect(await connectRefused(port)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(done).toBe(false); // still waiting for the in-flight request

    finishBody();
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.headers['connection']).toBe('close');
    expect(json(res.text)).toMatchObject({ sender: 'in-flight' });
    expect(await shutdown).toEqual({ forced: false });
  });

  test('a request that never finishes is cut after the grace period', async () => {
    const app = createHelloServer({ identity: IDENTITY });
    const { port } = await app.listen(0, '127.0.0.1');
    const arrived = new Promise<void>((resolve) => app.server.once('request', () => resolve()));
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST', path: '/api/messages', agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': '100' },
    });
    const failed = new Promise<string>((resolve) => req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message)));
    req.write('{"sender":');
    await arrived;

    const started = Date.now();
    expect(await app.shutdown(300)).toEqual({ forced: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await failed).toBe('ECONNRESET');
  });

  test('shutdown is idempotent', async () => {
    const app = createHelloServer({ identity: IDENTITY });
    await app.listen(0, '127.0.0.1');
    const first = app.shutdown(1_000);
    expect(app.shutdown(1_000)).toBe(first);
    expect(await first).toEqual({ forced: false });
  });
});

test.describe('helloworld configuration', () => {
  test('identity comes from POD_NAME, POD_IP and NODE_NAME', () => {
    expect(identityFromEnv({ POD_NAME: 'web-1', POD_IP: '10.0.0.5', NODE_NAME: 'kind-worker' }, () => 'host')).toEqual({
      pod: 'web-1',
      podIP: '10.0.0.5',
      node: 'kind-worker',
    });
  });

  test('without the downward API the pod is the hostname and the rest null', () => {
    expect(identityFromEnv({}, () => 'laptop')).toEqual({ pod: 'laptop', podIP: null, node: null });
    expect(identityFromEnv({ POD_NAME: ' ', POD_IP: '', NODE_NAME: '' }, () => 'laptop')).toEqual({
      pod: 'laptop',
      podIP: null,
      node: null,
    });
  });

  test('PORT defaults to 8080 and must be an integer 0-65535', () => {
    expect(parsePort(undefined)).toBe(8080);
    expect(parsePort('')).toBe(8080);
    expect(parsePort('9090')).toBe(9090);
    expect(parsePort('0')).toBe(0);
    for (const bad of ['abc', '-1', '65536', '80.5', '1e3', '0x50']) {
      expect(() => parsePort(bad), bad).toThrow(ConfigError);
    }
  });
});

test.describe('helloworld bundle (node app/dist/server.js)', () => {
  const serverJs = path.join(ROOT, 'app/dist/server.js');

  test.beforeAll(async () => {
    await execFileAsync('bash', [path.join(ROOT, 'app/build.sh')]);
  });

  interface Started {
    readonly child: ChildProcess;
    readonly port: number;
    readonly stdout: () => string;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  }

  async function startBundle(env: Record<string, string>): Promise<Started> {
    const child = spawn(process.execPath, [serverJs], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line; stdout=${out} stderr=${err}`)), 10_000);
      const check = (): void => {
        const match = /listening on port (\d+)/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout?.on('data', check);
      void exited.then(() => reject(new Error(`exited early; stdout=${out} stderr=${err}`)));
    });
    return { child, port, stdout: () => out, exited };
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`serves with the downward-API identity and exits 0 on ${signal}`, async () => {
      const app = await startBundle({ POD_NAME: 'helloworld-7d9c-abcde', POD_IP: '10.244.2.3', NODE_NAME: 'kind-worker3' });
      try {
        const api = client(app.port);
        for (let i = 0; i < 3; i++) {
          const res = await api.post('/api/messages', { sender: 'bundle' });
          expect(res.status).toBe(200);
          expect(json(res.data)).toMatchObject({
            host: 'helloworld-7d9c-abcde',
            pod: 'helloworld-7d9c-abcde',
            podIP: '10.244.2.3',
            node: 'kind-worker3',
          });
        }
        expect(app.stdout().trim().split('\n')).toEqual([
          `helloworld listening on port ${app.port} pod=helloworld-7d9c-abcde podIP=10.244.2.3 node=kind-worker3`,
        ]);
        app.child.kill(signal);
        expect(await app.exited).toEqual({ code: 0, signal: null });
        expect(app.stdout()).toMatch(new RegExp(`stopped on ${signal}: drained`));
      } finally {
        app.child.kill('SIGKILL');
      }
    });
  }

  test('ALT_PORT: the same API on a second port, each answer naming the port it came in on', async () => {
    const free = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const app = await startBundle({ ALT_PORT: String(free) });
    try {
      expect(app.stdout()).toMatch(new RegExp(`listening on port ${app.port} \\(and ${free}\\)`));
      for (const port of [app.port, free]) {
        const res = await client(port).post('/api/messages', { sender: 'two-ports' });
        expect(json(res.data)).toMatchObject({ sender: 'two-ports', port });
      }
      app.child.kill('SIGTERM');
      expect(await app.exited).toEqual({ code: 0, signal: null });
    } finally {
      app.child.kill('SIGKILL');
    }
  });

  test('a bad PORT exits 2 with one error line', async () => {
    const child = spawn(process.execPath, [serverJs], { env: { PORT: 'http' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toBe('error: PORT must be an integer from 0 to 65535, got "http"\n');
    const alt = spawn(process.execPath, [serverJs], { env: { PORT: '0', ALT_PORT: '70000' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let altErr = '';
    alt.stderr.setEncoding('utf8').on('data', (chunk: string) => (altErr += chunk));
    expect(await new Promise<number | null>((resolve) => alt.on('exit', resolve))).toBe(2);
    expect(altErr).toBe('error: ALT_PORT must be an integer from 0 to 65535, got "70000"\n');
  });
});
