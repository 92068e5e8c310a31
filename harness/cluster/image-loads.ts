import { readCacheFile, updateCacheFile } from './cache-file.js';

// The images this host's harness loaded into each node container (`kind load`), by tag: for the
// minutes in which a node's status does not list a new image yet.

const FILE = 'node-image-loads.json';

/** Enough for the nodes of a few clusters; the oldest are forgotten first. */
const KEPT_CONTAINERS = 50;

/**
 * How long a load is taken as what the node holds. kubelet's image garbage collection leaves an
 * image alone for its first 2 minutes (`--minimum-image-ttl-duration`, default 2m0s), and by
 * then the node's status lists it: kubelet refreshes its image list every 30 s and its status
 * every 10 s. Past that, the status (or crictl) is asked.
 */
export const LOAD_TRUSTED_MS = 120_000;

interface Load {
  image: string;
  at: number;
}

/** Each container's loads by tag, read once. */
function loadsOf(containers: readonly string[]): Record<string, Load>[] {
  const all = readCacheFile(FILE);
  return containers.map((container) => {
    const entry = all[container];
    return typeof entry === 'object' && entry !== null ? (entry as Record<string, Load>) : {};
  });
}

/** For each container, the image id last loaded under `ref` into it, if that was less than LOAD_TRUSTED_MS ago. */
export function recentLoads(containers: readonly string[], ref: string, now = Date.now()): (string | undefined)[] {
  return loadsOf(containers).map((loads) => {
    const load = loads[ref];
    if (typeof load?.image !== 'string' || typeof load.at !== 'number') return undefined;
    return now - load.at >= 0 && now - load.at < LOAD_TRUSTED_MS ? load.image : undefined;
  });
}

export function rememberLoad(containers: readonly string[], ref: string, image: string, at = Date.now()): void {
  const loads = loadsOf(containers);
  updateCacheFile(FILE, Object.fromEntries(containers.map((container, i) => [container, { ...loads[i], [ref]: { image, at } }])), KEPT_CONTAINERS);
}
