import type * as Yaml from 'yaml';
import { lazyRequire } from './lazy-require.js';

/** The yaml library, loaded on first use (about 0.15 s of CPU): the features' modules import it, and Playwright's runner imports those only to list the tests. */
export const yaml = lazyRequire<typeof Yaml>('yaml');
