import path from 'node:path';
import { REPO_ROOT } from '../harness/util/repo-root.js';

/**
 * The harness's commands as a user runs them: `npm run certify` (and the other scripts) run
 * `node bin/kube-proxy-conformance.mjs <command>`, which loads the TypeScript through tsx in the
 * same process. (tsx's own CLI would add a second Node process, about a second here.)
 */
export const NODE = process.execPath;
export const harness = (...command: string[]) => [path.join(REPO_ROOT, 'bin/kube-proxy-conformance.mjs'), ...command];
