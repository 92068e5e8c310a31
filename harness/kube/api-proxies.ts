import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ApiProxy } from './api-proxy.js';
import type { Kubectl } from './kubectl.js';

/** certify's proxy for its run's cluster, as its Playwright worker finds it in this variable. */
export const SHARED_API_PROXY_ENV = 'KPC_API_PROXY';

export interface SharedApiProxy {
  kubeconfig: string;
  socketPath: string;
}

/**
 * The API proxies of one process, one per kubeconfig: a cluster booted again under the same file
 * gets a new one. `closeAll()` ends those this process started. certify serves one on a socket
 * it names in advance (`serving`), and its Playwright worker reads through that one (`fromEnv`)
 * instead of starting its own.
 */
export class ApiProxies {
  private readonly started = new Map<string, Promise<ApiProxy>>();

  private constructor(private readonly shared?: SharedApiProxy & { role: 'serve' | 'attach' }) {}

  /** A process's own proxies, started when first asked for. */
  static own(): ApiProxies {
    return new ApiProxies();
  }

  /** certify's: the proxy for `shared.kubeconfig` listens on `shared.socketPath` (its directory is the caller's). */
  static serving(shared: SharedApiProxy): ApiProxies {
    return new ApiProxies({ ...shared, kubeconfig: path.resolve(shared.kubeconfig), role: 'serve' });
  }

  /** A Playwright worker's: certify's proxy when certify started this process, else its own. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): ApiProxies {
    const shared = env[SHARED_API_PROXY_ENV];
    return shared ? new ApiProxies({ ...(JSON.parse(shared) as SharedApiProxy), role: 'attach' }) : ApiProxies.own();
  }

  /** What certify passes to its Playwright run, for `fromEnv`. */
  static env(shared: SharedApiProxy): Record<string, string> {
    return { [SHARED_API_PROXY_ENV]: JSON.stringify({ ...shared, kubeconfig: path.resolve(shared.kubeconfig) }) };
  }

  for(binary: string, kubeconfig: string): Promise<ApiProxy> {
    const shared = this.shared?.kubeconfig === path.resolve(kubeconfig) ? this.shared : undefined;
    // certify serves one proxy for the run's kubeconfig, asked for only once the file is final.
    const key = shared?.role === 'serve' ? kubeconfig : `${binary}\0${kubeconfig}\0${statSync(kubeconfig).mtimeMs}`;
    let proxy = this.started.get(key);
    if (!proxy) {
      if (shared?.role === 'attach' && existsSync(shared.socketPath)) proxy = ApiProxy.attach(shared.socketPath, kubeconfig);
      else proxy = ApiProxy.start(binary, kubeconfig, shared?.role === 'serve' ? shared.socketPath : undefined);
      // A proxy that failed to start is tried again by the next caller.
      proxy.catch(() => this.started.delete(key));
      this.started.set(key, proxy);
    }
    return proxy;
  }

  /** `kubectl` reading through `proxies` when there are any, else `kubectl` itself. */
  static async attachIfAny(proxies: ApiProxies | undefined, kubectl: Kubectl): Promise<Kubectl> {
    return proxies ? proxies.attach(kubectl) : kubectl;
  }

  /** The same kubectl, its reads through this process's proxy for its kubeconfig. */
  async attach(kubectl: Kubectl): Promise<Kubectl> {
    return kubectl.withApi(await this.for(kubectl.binary, kubectl.kubeconfig));
  }

  async closeAll(): Promise<void> {
    const proxies = await Promise.allSettled(this.started.values());
    this.started.clear();
    for (const p of proxies) if (p.status === 'fulfilled') p.value.close();
  }
}
