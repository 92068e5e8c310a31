import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../tools/versions.js';
import { writeAtomically } from '../util/write-atomically.js';

// A small JSON object in the harness's cache directory, what the nodes were seen or made to hold.
// Losing or damaging one only costs asking the nodes again.

/** The file's entries; none when it is missing, damaged or not an object. */
export function readCacheFile(name: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(cacheDir(), name), 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Sets each of `changes`' keys as the newest entries and keeps the newest `kept`; never fails the run. */
export function updateCacheFile(name: string, changes: Record<string, unknown>, kept: number): void {
  const all = readCacheFile(name);
  for (const key of Object.keys(changes)) delete all[key];
  const entries = Object.entries({ ...all, ...changes }).slice(-kept);
  try {
    writeAtomically(path.join(cacheDir(), name), JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Not written: the next run asks the nodes again.
  }
}
