import { run, type RunResult } from '../util/exec.js';
import { CommandError, UsageError } from '../util/errors.js';
import { notYet, waitFor } from '../util/wait.js';
import type { ApiProxy } from './api-proxy.js';
import { asRefusal } from './forbidden.js';
import { asKubectlPrints, getRequest } from './get-request.js';
import { kubectlEnv } from './kubectl-env.js';

/** kubectl's own bound on a call, when the caller sets none. */
const DEFAULT_TIMEOUT_MS = 120_000;

export interface KubectlCallOptions {
  namespace?: string;
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  check?: boolean;
}

/**
 * Runs kubectl against one kubeconfig, always passed explicitly, so ~/.kube/config is never read
 * or written by accident. With an ApiProxy attached, the reads `json()` knows go through it
 * instead of a process each.
 */
export class Kubectl {
  constructor(
    readonly binary: string,
    readonly kubeconfig: string,
    private readonly defaults: { signal?: AbortSignal; api?: ApiProxy } = {},
  ) {}

  withSignal(signal: AbortSignal): Kubectl {
    return new Kubectl(this.binary, this.kubeconfig, { ...this.defaults, signal });
  }

  /** The same kubectl, reading through `api` (started for the same kubeconfig). */
  withApi(api: ApiProxy): Kubectl {
    return new Kubectl(this.binary, this.kubeconfig, { ...this.defaults, api });
  }

  /** How often a wait may read: every 200 ms when `json()` goes through an API proxy (a request), else every second (a process each). */
  get pollIntervalMs(): number {
    return this.defaults.api !== undefined ? 200 : 1_000;
  }

  async run(args: readonly string[], options: KubectlCallOptions = {}): Promise<RunResult> {
    const full = ['--kubeconfig', this.kubeconfig];
    if (options.namespace) full.push('--namespace', options.namespace);
    full.push(...args);
    return run(this.binary, full, {
      input: options.input,
      signal: options.signal ?? this.defaults.signal,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      check: options.check,
      env: kubectlEnv(this.kubeconfig),
    }).catch((error: unknown) => {
      throw asRefusal(error, this.kubeconfig);
    });
  }

  async text(args: readonly string[], options: KubectlCallOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout;
  }

  async json<T>(args: readonly string[], options: KubectlCallOptions = {}): Promise<T> {
    const { api } = this.defaults;
    const request = api && getRequest(args, options.namespace);
    if (api && request) {
      const answer = await api.get(request.path, { query: request.query, signal: options.signal ?? this.defaults.signal, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS }).catch((error: unknown) => {
        throw asRefusal(error, this.kubeconfig);
      });
      return asKubectlPrints<T>(answer, request);
    }
    const stdout = await this.text([...args, '-o', 'json'], options);
    return JSON.parse(stdout) as T;
  }

  /** `json()`, or undefined when the object is not there (not found, unknown resource); a refusal by RBAC is thrown (forbidden.ts). */
  async jsonIfAny<T>(args: readonly string[], options: Omit<KubectlCallOptions, 'check'> = {}): Promise<T | undefined> {
    try {
      return await this.json<T>(args, options);
    } catch (error) {
      if (error instanceof CommandError) return undefined;
      throw error;
    }
  }

  /**
   * `kubectl delete <resource> <name> --ignore-not-found`, and like it, returns once the object is
   * gone. With an API proxy attached it is a request and a read or two, not a process.
   */
  async deleteIfAny(resource: string, name: string, options: Omit<KubectlCallOptions, 'input' | 'check'> = {}): Promise<void> {
    const { api } = this.defaults;
    const request = api && getRequest(['get', resource, name], options.namespace);
    if (!api || !request) {
      await this.run(['delete', resource, name, '--ignore-not-found'], options);
      return;
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = options.signal ?? this.defaults.signal;
    await api.delete(request.path, { signal, timeoutMs }).catch((error: unknown) => {
      throw asRefusal(error, this.kubeconfig);
    });
    await waitFor(async () => ((await this.jsonIfAny(['get', resource, name], options)) === undefined ? true : notYet(`${resource} ${name} is still there`)), {
      what: `${resource} ${name} to be deleted`,
      timeoutMs,
      intervalMs: this.pollIntervalMs,
      signal,
    });
  }

  /** Fails with one actionable line when the API server does not answer. */
  async assertReachable(timeoutMs = 15_000): Promise<string> {
    try {
      const { api } = this.defaults;
      if (api) return (await api.get<{ gitVersion?: string }>('/version', { timeoutMs, signal: this.defaults.signal })).gitVersion ?? 'unknown';
      const { stdout } = await this.run(['version', '-o', 'json', `--request-timeout=${Math.ceil(timeoutMs / 1000)}s`], { timeoutMs: timeoutMs + 5_000 });
      const version = JSON.parse(stdout) as { serverVersion?: { gitVersion?: string } };
      return version.serverVersion?.gitVersion ?? 'unknown';
    } catch (error) {
      if (this.defaults.signal?.aborted) throw error;
      const detail = error instanceof CommandError ? error.stderr.trim().split('\n').pop() : error instanceof Error ? error.message : String(error);
      if (/\bUnauthorized\b/.test(detail ?? '')) {
        throw new UsageError(`the API server in ${this.kubeconfig} refuses its credentials (${detail})`, 'renew the token or certificate in it (an expired ServiceAccount token: kubectl create token), or pass another --kubeconfig');
      }
      throw new UsageError(
        `the API server in ${this.kubeconfig} does not answer (${detail})`,
        'start the cluster, or pass --kubeconfig for a cluster that is running',
      );
    }
  }
}
