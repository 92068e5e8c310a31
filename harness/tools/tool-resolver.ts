import { existsSync } from 'node:fs';
import path from 'node:path';
import { run } from '../util/exec.js';
import { UsageError } from '../util/errors.js';
import { KIND_VERSION, KUBERNETES_VERSION, toolCacheDir } from './versions.js';
import type { Logger } from '../util/log.js';

export interface ResolvedTool {
  name: string;
  path: string;
  version: string;
  source: 'env' | 'cache' | 'built' | 'PATH';
}

interface ToolSpec {
  name: 'kind' | 'kubectl';
  envVar: string;
  versionArgs: string[];
  cachedPath: () => string;
  /** Builds the tool into the cache, or returns undefined when this machine cannot. */
  build?: (log: Logger) => Promise<void>;
  howToGet: string;
}

const KIND: ToolSpec = {
  name: 'kind',
  envVar: 'KPC_KIND',
  versionArgs: ['version'],
  cachedPath: () => path.join(toolCacheDir(), 'kind'),
  build: async (log) => {
    log.step(`building kind ${KIND_VERSION} with the Go toolchain (go install)`);
    await run('go', ['install', `sigs.k8s.io/kind@${KIND_VERSION}`], {
      env: { ...process.env, GOBIN: toolCacheDir(), CGO_ENABLED: '0' },
    });
  },
  howToGet: `set KPC_KIND to a kind ${KIND_VERSION} binary, install Go (the harness builds it), or put kind on PATH`,
};

const KUBECTL: ToolSpec = {
  name: 'kubectl',
  envVar: 'KPC_KUBECTL',
  versionArgs: ['version', '--client'],
  cachedPath: () => path.join(toolCacheDir(), `kubernetes-${KUBERNETES_VERSION}`, 'kubectl'),
  howToGet: 'set KPC_KUBECTL to a kubectl binary, run `npm run build:node-image` (it builds kubectl), or put kubectl on PATH',
};

async function probe(spec: ToolSpec, file: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(file, spec.versionArgs, { timeoutMs: 15_000 });
    return stdout.trim().split('\n')[0];
  } catch {
    return undefined;
  }
}

async function resolve(spec: ToolSpec, log: Logger, allowBuild: boolean): Promise<ResolvedTool> {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    const version = await probe(spec, fromEnv);
    if (!version) throw new UsageError(`${spec.envVar}=${fromEnv} does not run`, `point ${spec.envVar} at a working ${spec.name} binary or unset it`);
    return { name: spec.name, path: fromEnv, version, source: 'env' };
  }
  const cached = spec.cachedPath();
  if (existsSync(cached)) {
    const version = await probe(spec, cached);
    if (version) return { name: spec.name, path: cached, version, source: 'cache' };
  }
  if (allowBuild && spec.build && (await hasGo())) {
    await spec.build(log);
    const version = await probe(spec, cached);
    if (version) return { name: spec.name, path: cached, version, source: 'built' };
  }
  const version = await probe(spec, spec.name);
  if (version) return { name: spec.name, path: spec.name, version, source: 'PATH' };
  throw new UsageError(`${spec.name} not found`, spec.howToGet);
}

async function hasGo(): Promise<boolean> {
  try {
    await run('go', ['version'], { timeoutMs: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/** A tool found once is not probed again by the same process (each probe starts the binary). */
const resolved = new Map<string, ResolvedTool>();

async function resolveOnce(spec: ToolSpec, log: Logger, allowBuild: boolean): Promise<ResolvedTool> {
  const key = `${spec.name}\0${process.env[spec.envVar] ?? ''}`;
  const known = resolved.get(key);
  if (known) return known;
  const tool = await resolve(spec, log, allowBuild);
  resolved.set(key, tool);
  return tool;
}

export const resolveKind = (log: Logger, allowBuild = true) => resolveOnce(KIND, log, allowBuild);
export const resolveKubectl = (log: Logger) => resolveOnce(KUBECTL, log, false);
