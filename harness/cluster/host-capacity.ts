import { readFileSync } from 'node:fs';
import { UsageError } from '../util/errors.js';

/**
 * Memory one kind node takes once the cluster runs the lab: the largest per-node share of the peak
 * memory added by clusters of 1 to 5 workers (538 MiB, 2 nodes), rounded up; larger clusters take
 * less per node (283 MiB at 6 nodes). `npm run bench -- --only scaling`, docs/benchmarks.md.
 */
export const MEMORY_PER_NODE_MIB = 550;
/** Left for everything else: the harness, its traffic client, Docker, the build caches. */
export const MEMORY_RESERVE_MIB = 3_072;

/** MemAvailable from /proc/meminfo, in MiB. */
export function availableMemoryMib(meminfo = readFileSync('/proc/meminfo', 'utf8')): number {
  const kib = Number(/^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1]);
  if (!Number.isFinite(kib)) throw new Error('/proc/meminfo has no MemAvailable');
  return Math.floor(kib / 1024);
}

/** The most nodes this host can hold now, the reserve kept. */
export function maxNodes(availableMib: number): number {
  return Math.max(0, Math.floor((availableMib - MEMORY_RESERVE_MIB) / MEMORY_PER_NODE_MIB));
}

/** Refuses a cluster of `nodes` nodes that this host's free memory cannot hold, naming the limit. */
export function assertHostHolds(nodes: number, availableMib = availableMemoryMib()): void {
  const most = maxNodes(availableMib);
  if (nodes > most) {
    throw new UsageError(
      `${nodes} nodes need about ${nodes * MEMORY_PER_NODE_MIB} MiB, but this host has ${availableMib} MiB available (${MEMORY_RESERVE_MIB} MiB kept back): it holds at most ${most} nodes now`,
      `pass --workers ${Math.max(1, most - 1)} or fewer, or free memory (other clusters: npm run cluster:down)`,
    );
  }
}
