import os from 'node:os';
import path from 'node:path';

// Keep in step with images/lib/common.sh.
export const KIND_VERSION = 'v0.30.0';
export const KUBERNETES_VERSION = 'v1.34.4';
export const OFFLINE_NODE_IMAGE = process.env.KPC_NODE_IMAGE ?? `kube-proxy-conformance/node:${KUBERNETES_VERSION}`;

/** Outside the clone, so fresh clones on the same machine reuse builds. */
export function cacheDir(): string {
  return process.env.KPC_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kube-proxy-conformance');
}

export function toolCacheDir(): string {
  return path.join(cacheDir(), 'bin');
}
