import { existsSync } from 'node:fs';

/**
 * Where kubectl keeps its discovery and HTTP cache for a cluster this harness boots: beside the
 * kubeconfig, and removed with it. By default kubectl keeps one in ~/.kube/cache per API server
 * address, about 3 MB for each cluster ever booted, that nothing removes.
 */
export function kubectlCacheDir(kubeconfig: string): string {
  return `${kubeconfig}.cache`;
}

/** kubectl's environment for `kubeconfig`: its cache beside it when the harness made one there (kubectlCacheDir). */
export function kubectlEnv(kubeconfig: string): NodeJS.ProcessEnv {
  const cache = kubectlCacheDir(kubeconfig);
  return { ...process.env, KUBECONFIG: kubeconfig, ...(existsSync(cache) ? { KUBECACHEDIR: cache } : {}) };
}
