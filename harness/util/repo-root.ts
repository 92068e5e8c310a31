import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The clone's root: scripts, manifests and images are found from here, wherever the command runs. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
