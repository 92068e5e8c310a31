import { featureNamespace } from '../features/feature-namespace.js';
import { featureById } from '../features/registry.js';
import type { RunConfig } from './run-config.js';

/** Every namespace a run works in: the lab's first, then each of its features' own, once each. */
export function runNamespaces(config: Pick<RunConfig, 'namespace' | 'features'>): string[] {
  return [...new Set([config.namespace, ...config.features.map((id) => featureNamespace(featureById(id), config.namespace))])];
}
