import path from 'node:path';
import { imageExists, tryPull } from './docker.js';
import { run } from '../util/exec.js';
import { UsageError } from '../util/errors.js';
import { OFFLINE_NODE_IMAGE } from '../tools/versions.js';
import { REPO_ROOT } from '../util/repo-root.js';
import type { Logger } from '../util/log.js';

/** kind v0.30.0's default node image (pkg/apis/config/defaults/image.go). */
export const KINDEST_NODE_IMAGE = 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a';

export interface NodeImageChoice {
  ref: string;
  source: 'KIND_NODE_IMAGE' | 'offline build (cached)' | 'kindest/node (pulled)' | 'offline build';
}

/**
 * The one place that decides which node image to boot. Everything after it is the same code path:
 * KIND_NODE_IMAGE, else this project's offline image when present, else kind's own image when it
 * can be pulled, else an offline build.
 */
export async function chooseNodeImage(log: Logger, signal: AbortSignal): Promise<NodeImageChoice> {
  const fromEnv = process.env.KIND_NODE_IMAGE;
  if (fromEnv) {
    if (!(await imageExists(fromEnv)) && !(await tryPull(fromEnv))) {
      throw new UsageError(`KIND_NODE_IMAGE=${fromEnv} is neither present nor pullable`, 'load or build that image, or unset KIND_NODE_IMAGE');
    }
    return { ref: fromEnv, source: 'KIND_NODE_IMAGE' };
  }
  if (await imageExists(OFFLINE_NODE_IMAGE)) {
    // Present: rebuild only if its inputs changed (seconds when they did not).
    return { ref: await buildOfflineImages(log, signal), source: 'offline build (cached)' };
  }
  if (process.env.KPC_OFFLINE !== '1' && (await tryPull(KINDEST_NODE_IMAGE))) {
    return { ref: KINDEST_NODE_IMAGE, source: 'kindest/node (pulled)' };
  }
  log.info('kindest/node cannot be pulled here: building the node image offline (tens of minutes the first time)');
  return { ref: await buildOfflineImages(log, signal), source: 'offline build' };
}

/** Runs images/build-node-image.sh, streaming its progress; returns the image reference it prints last. */
export async function buildOfflineImages(log: Logger, signal: AbortSignal): Promise<string> {
  const { stdout } = await run('bash', [path.join(REPO_ROOT, 'images/build-node-image.sh')], {
    signal,
    onStderrLine: (line) => line.trim() && log.info(line),
  });
  const ref = stdout.trim().split('\n').pop();
  if (!ref) throw new Error('images/build-node-image.sh printed no image reference');
  return ref;
}
