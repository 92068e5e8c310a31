import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The start of the name of the folder where a process renders its kind config (gone when kind is done). */
export const renderedConfigPrefix = (pid: number) => `kpc-${pid}-`;

/** Writes the kind config this process rendered to a folder of its own; returns the file's path. */
export function writeRenderedConfig(rendered: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), renderedConfigPrefix(process.pid))), 'kind-config.yaml');
  writeFileSync(file, rendered);
  return file;
}

/**
 * Removes the folder of a rendered kind config: by the run that wrote it when kind is done, or by
 * the next run of the cluster's name when that run was killed first (the lease names the file).
 * Only such a folder is removed, whatever path a lease file holds.
 */
export function removeRenderedConfig(file: string): void {
  const folder = path.dirname(file);
  if (path.dirname(folder) !== os.tmpdir() || !/^kpc-\d+-/.test(path.basename(folder)) || path.basename(file) !== 'kind-config.yaml') return;
  rmSync(folder, { recursive: true, force: true });
}
