import { readCacheFile, updateCacheFile } from './cache-file.js';

// The repository digests that nodes were seen to give each local image id (`kind load` imports an
// image under a digest of its own, which kubelet shows and the id does not).

const FILE = 'node-image-digests.json';

/** Enough for every image a few clusters of this host hold; the oldest are forgotten first. */
const KEPT_IMAGES = 50;

/** The digests an entry of the file holds; nothing for an entry that is not a list of strings. */
function digestsIn(entry: unknown): string[] {
  return Array.isArray(entry) ? entry.filter((d): d is string => typeof d === 'string') : [];
}

export function rememberedDigests(imageId: string): string[] {
  return digestsIn(readCacheFile(FILE)[imageId]);
}

export function rememberDigests(imageId: string, digests: readonly string[]): void {
  if (digests.length === 0) return;
  updateCacheFile(FILE, { [imageId]: [...new Set([...rememberedDigests(imageId), ...digests])] }, KEPT_IMAGES);
}
