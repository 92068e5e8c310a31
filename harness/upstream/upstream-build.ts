import path from 'node:path';
import { run } from '../util/exec.js';
import { CommandError, UsageError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { REPO_ROOT } from '../util/repo-root.js';

/** What images/upstream/build.sh made: upstream's e2e binary and the images its tests run. */
export interface UpstreamArtifacts {
  e2eTest: string;
  /** Stands in for registry.k8s.io/e2e-test-images (KUBE_TEST_REPO_LIST's promoterE2eRegistry). */
  registry: string;
  images: string[];
}

export const UPSTREAM_BUILD_SCRIPT = path.join(REPO_ROOT, 'images/upstream/build.sh');

/**
 * Builds (or finds cached) e2e.test and agnhost with images/upstream/build.sh; its progress goes to
 * the log. A missing prerequisite (its exit 2 and "error:" line) becomes a UsageError.
 */
export async function buildUpstream(log: Logger, signal?: AbortSignal, mode: 'build' | 'print-ref' = 'build'): Promise<UpstreamArtifacts> {
  const args = [UPSTREAM_BUILD_SCRIPT, ...(mode === 'print-ref' ? ['--print-ref'] : [])];
  let result;
  try {
    result = await run('bash', args, { signal, onStderrLine: (line) => line.trim() && log.info(line) });
  } catch (error) {
    if (error instanceof CommandError && error.exitCode === 2) {
      const line = error.stderr.split('\n').find((l) => l.startsWith('error: ')) ?? error.message;
      const [problem, ...fix] = line.replace(/^error: /, '').split(': ');
      throw new UsageError(problem ?? line, fix.join(': ') || 'see the messages above');
    }
    throw error;
  }
  return parseBuildReference(result.stdout);
}

/** The last line of build.sh's stdout. */
export function parseBuildReference(stdout: string): UpstreamArtifacts {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const value = JSON.parse(last) as Partial<UpstreamArtifacts>;
  if (typeof value.e2eTest !== 'string' || typeof value.registry !== 'string' || !Array.isArray(value.images)) {
    throw new Error(`images/upstream/build.sh printed an unexpected reference: ${last}`);
  }
  return { e2eTest: value.e2eTest, registry: value.registry, images: value.images.map(String) };
}
