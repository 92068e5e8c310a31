import type { Feature } from './feature.js';

/**
 * The namespace a feature runs in: the lab's own for the NodePort lab (the namespace the user
 * names), else one of its own beside it, `<namespace>-<slug>`, with its own app and Service, so
 * that features can run side by side without touching each other's objects.
 */
export function featureNamespace(feature: Pick<Feature, 'slug' | 'inLabNamespace'>, labNamespace: string): string {
  return feature.inLabNamespace ? labNamespace : `${labNamespace}-${feature.slug}`;
}
