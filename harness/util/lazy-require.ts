import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS dependency loaded on first use instead of at import. Playwright's runner imports
 * every spec's modules only to list its tests, and certify imports its own before it can start
 * Playwright: on two cores, a library that only a later step calls delays both.
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
