import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../util/errors.js';
import { yaml } from '../util/yaml.js';

export interface KubeconfigContents {
  clusters: unknown[];
  contexts: { name: string }[];
  currentContext: string | undefined;
}

/**
 * Reads a kubeconfig the user named, or refuses it in one line (exit 2): a file that is missing,
 * a directory, not YAML, or YAML without a cluster and a context would otherwise surface as a
 * kubectl failure blamed on the API server.
 */
export function readKubeconfig(file: string, option = '--kubeconfig'): KubeconfigContents {
  const fix = `pass ${option} with the path of the cluster's kubeconfig file`;
  let text: string;
  try {
    if (!statSync(file).isFile()) throw new UsageError(`kubeconfig ${file} is not a file`, fix);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`kubeconfig ${file} does not exist or is not readable`, fix);
  }
  let parsed: unknown;
  try {
    parsed = yaml().parse(text);
  } catch {
    throw new UsageError(`kubeconfig ${file} is not YAML`, fix);
  }
  const config = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as { clusters?: unknown; contexts?: unknown; 'current-context'?: unknown };
  const clusters = Array.isArray(config.clusters) ? config.clusters : [];
  const contexts = (Array.isArray(config.contexts) ? config.contexts : []).filter((c): c is { name: string } => typeof (c as { name?: unknown })?.name === 'string');
  if (clusters.length === 0 || contexts.length === 0) {
    throw new UsageError(`${file} is not a kubeconfig (it names no ${clusters.length === 0 ? 'cluster' : 'context'})`, fix);
  }
  const current = config['current-context'];
  return { clusters, contexts, currentContext: typeof current === 'string' && current !== '' ? current : undefined };
}
