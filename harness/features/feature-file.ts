import path from 'node:path';
import { REPO_ROOT } from '../util/repo-root.js';

/** A file in a feature's own folder, harness/features/<slug>/ (from the clone's root, as the bundled CLI finds it too). */
export function featureFile(slug: string, file: string): string {
  return path.join(REPO_ROOT, 'harness/features', slug, file);
}
