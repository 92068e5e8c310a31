import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../tools/versions.js';
import { writeAtomically } from '../util/write-atomically.js';

// The repository digests that nodes were seen to give each local image id (`kind load` imports an
// image under a digest of its own, which kubelet shows and the id does not). A cache: losing it
// only means asking crictl again.

/** Enough for every image a few clusters of this host hold; the oldest are forgotten first. */
const KEPT_IMAGES = 50;

function file(): string {
  return path.join(cacheDir(), 'node-image-digests.json');
}

function read(): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file(), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The digests an entry of the file holds; nothing for an entry that is not a list of strings. */
function digestsIn(entry: unknown): string[] {
  return Array.isArray(entry) ? entry.filter((d): d is string => typeof d === 'string') : [];
}

export function rememberedDigests(imageId: string): string[] {
  return digestsIn(read()[imageId]);
}

export function rememberDigests(imageId: string, digests: readonly string[]): void {
  if (digests.length === 0) return;
  const all = read();
  const merged = [...new Set([...digestsIn(all[imageId]), ...digests])];
  delete all[imageId];
  const kept = Object.entries({ ...all, [imageId]: merged }).slice(-KEPT_IMAGES);
  try {
    writeAtomically(file(), JSON.stringify(Object.fromEntries(kept)));
  } catch {
    // A cache that cannot be written costs crictl calls next time, nothing else.
  }
}
