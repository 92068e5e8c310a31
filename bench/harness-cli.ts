import path from 'node:path';
import { REPO_ROOT } from '../harness/util/repo-root.js';

/** The harness's commands as the bench runs them: tsx on harness/cli/<name>.ts. */
export const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
export const cli = (name: string) => path.join(REPO_ROOT, 'harness/cli', `${name}.ts`);
