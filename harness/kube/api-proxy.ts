import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AxiosInstance, AxiosStatic } from 'axios';
import { CommandError } from '../util/errors.js';
import { kubectlEnv } from './kubectl-env.js';

const SOCKET_DIR_PREFIX = 'kpc-api-';
/** Older than this, a socket directory whose socket refuses is a killed process's, not one starting. */
const DEAD_SOCKET_AGE_MS = 60_000;

/**
 * Removes the socket directories of proxies whose process was killed (SIGKILL leaves no chance
 * to remove them): older than a minute, and nothing listens on their socket.
 */
export async function removeDeadSockets(tmp = os.tmpdir(), now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of readdirSync(tmp).filter((e) => e.startsWith(SOCKET_DIR_PREFIX))) {
    const dir = path.join(tmp, entry);
    try {
      if (now - statSync(dir).mtimeMs < DEAD_SOCKET_AGE_MS || (await listening(path.join(dir, 'api.sock')))) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another user's, or gone meanwhile: not ours to remove.
    }
  }
  return removed;
}

function listening(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = net.connect(socket);
    connection.once('connect', () => {
      connection.destroy();
      resolve(true);
    });
    connection.once('error', () => resolve(false));
  });
}

/** kubectl proxy prints this once it listens. */
const SERVING = /Starting to serve on /;
const START_TIMEOUT_MS = 15_000;

/**
 * One `kubectl proxy` for the reads of a process: a GET over its kept-alive socket costs a few
 * milliseconds, a `kubectl get` process about 0.2 s of CPU (a run makes dozens). kubectl does the
 * authentication, whatever the kubeconfig uses. It listens on a Unix socket in a directory only
 * this user can open, never on a port, and is stopped by `close()`, by the process's exit, or
 * with its process group (Ctrl-C).
 */
export class ApiProxy {
  private constructor(
    /** Undefined for a proxy another process started and owns. */
    private readonly child: ChildProcess | undefined,
    /** Stops kubectl and removes its socket's directory (nothing for an attached proxy). */
    readonly close: () => void,
    private readonly axios: AxiosStatic,
    private readonly http: AxiosInstance,
    private readonly kubeconfig: string,
  ) {}

  /** Starts kubectl proxy on a socket in a new private directory. */
  static async start(binary: string, kubeconfig: string): Promise<ApiProxy> {
    await removeDeadSockets();
    const dir = mkdtempSync(path.join(os.tmpdir(), SOCKET_DIR_PREFIX));
    const socket = path.join(dir, 'api.sock');
    const child = spawn(binary, ['--kubeconfig', kubeconfig, 'proxy', `--unix-socket=${socket}`], { stdio: ['ignore', 'pipe', 'pipe'], env: kubectlEnv(kubeconfig) });
    const kill = () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', kill);
    child.once('exit', () => process.removeListener('exit', kill));
    try {
      await serving(child, binary);
    } catch (error) {
      kill();
      throw error;
    }
    const axios = await loadAxios();
    return new ApiProxy(child, kill, axios, client(axios, socket), kubeconfig);
  }

  /** Reads through an API served on `socketPath` that something else started and keeps running (a stand-in API in the unit tests). */
  static async attach(socketPath: string, kubeconfig: string): Promise<ApiProxy> {
    const axios = await loadAxios();
    return new ApiProxy(undefined, () => {}, axios, client(axios, socketPath), kubeconfig);
  }

  /** GETs an API path; a non-2xx answer throws the same CommandError a `kubectl get` would, with the API's message. */
  async get<T>(apiPath: string, options: ApiRequestOptions & { query?: Record<string, string> } = {}): Promise<T> {
    return JSON.parse(await this.request('GET', apiPath, options)) as T;
  }

  /** DELETEs an API path; an object that is not there is no error (kubectl's --ignore-not-found). */
  async delete(apiPath: string, options: ApiRequestOptions = {}): Promise<void> {
    await this.request('DELETE', apiPath, { ...options, notFound: 'ok' });
  }

  private async request(method: 'GET' | 'DELETE', apiPath: string, options: ApiRequestOptions & { query?: Record<string, string>; notFound?: 'ok' }): Promise<string> {
    const response = await this.http.request<string>({ method, url: apiPath, params: options.query, signal: options.signal, timeout: options.timeoutMs, validateStatus: () => true }).catch((error: unknown) => {
      if (options.signal?.aborted || !this.axios.isAxiosError(error)) throw error;
      const { child } = this;
      const stopped = !child ? 'certify started it' : child.exitCode !== null || child.signalCode !== null ? `it exited (${child.exitCode ?? child.signalCode})` : 'it is still running';
      throw new Error(`${method} ${apiPath} through kubectl proxy (${this.kubeconfig}) failed: ${error.code ?? error.message}; ${stopped}`);
    });
    if ((response.status >= 200 && response.status < 300) || (response.status === 404 && options.notFound === 'ok')) return response.data;
    const { reason, message } = apiStatus(response.data, response.status);
    throw new CommandError('kubectl proxy', [method, apiPath], 1, '', `Error from server (${reason}): ${message}`);
  }
}

interface ApiRequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Loaded on first use: Playwright's runner imports this module only to list the tests. */
async function loadAxios(): Promise<AxiosStatic> {
  return (await import('axios')).default;
}

function client(axios: AxiosStatic, socketPath: string): AxiosInstance {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  return axios.create({ socketPath, httpAgent: agent, baseURL: 'http://localhost', maxRedirects: 0, responseType: 'text', transitional: { silentJSONParsing: false } });
}

function serving(child: ChildProcess, binary: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`kubectl proxy did not start within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim()}`)), START_TIMEOUT_MS);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (SERVING.test(d)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new CommandError(binary, ['proxy'], code, '', stderr));
    });
  });
}

/** The reason and message of the API's Status object in an error answer; the HTTP status and the body when it is not one. */
function apiStatus(body: string, status: number): { reason: string; message: string } {
  let parsed: { reason?: string; message?: string } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    // Not JSON: a proxy or a load balancer answered, not the API server.
  }
  return { reason: parsed.reason ?? `HTTP ${status}`, message: parsed.message ?? body.trim() };
}
