import { statSync } from 'node:fs';
import { ApiProxy } from './api-proxy.js';
import type { Kubectl } from './kubectl.js';

/**
 * The API proxies of one process, one per kubeconfig, started when first asked for: a cluster
 * booted again under the same file gets a new one. `closeAll()` ends them.
 */
export class ApiProxies {
  private readonly started = new Map<string, Promise<ApiProxy>>();

  for(binary: string, kubeconfig: string): Promise<ApiProxy> {
    const key = `${binary}\0${kubeconfig}\0${statSync(kubeconfig).mtimeMs}`;
    let proxy = this.started.get(key);
    if (!proxy) {
      proxy = ApiProxy.start(binary, kubeconfig);
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
