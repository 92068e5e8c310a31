import { statSync } from 'node:fs';
import { ApiProxy } from './api-proxy.js';

/**
 * The API proxies of one long-lived process (a Playwright worker), one per kubeconfig: a cluster
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

  async closeAll(): Promise<void> {
    const proxies = await Promise.allSettled(this.started.values());
    this.started.clear();
    for (const p of proxies) if (p.status === 'fulfilled') p.value.close();
  }
}
