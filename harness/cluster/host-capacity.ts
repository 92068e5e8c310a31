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

/** MemAvailable (or another field) from /proc/meminfo, in MiB. */
export function availableMemoryMib(meminfo = readFileSync('/proc/meminfo', 'utf8'), field = 'MemAvailable'): number {
  const kib = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(meminfo)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`/proc/meminfo has no ${field}`);
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

/**
 * Refuses --workers that this host could not hold even with all its memory free: checked with the
 * options, before any tool is looked for (assertHostHolds checks what is free now, before a boot).
 */
export function assertHostCouldHold(workers: number, totalMib = availableMemoryMib(undefined, 'MemTotal')): void {
  const most = maxNodes(totalMib);
  if (workers + 1 > most) {
    throw new UsageError(
      `--workers ${workers} makes at least ${workers + 1} nodes, but this host has ${totalMib} MiB of memory in all (about ${MEMORY_PER_NODE_MIB} MiB per node, ${MEMORY_RESERVE_MIB} MiB kept back): it can hold at most ${most} nodes`,
      `pass --workers ${Math.max(1, most - 1)} or fewer`,
    );
  }
}
