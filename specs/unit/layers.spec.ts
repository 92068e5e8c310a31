import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { REPO_ROOT } from '../../harness/util/repo-root.js';

/**
 * harness/'s folders, lowest first. Data flows options -> cluster -> deploy (lab) -> discover ->
 * traffic -> judge (stats) -> report, and a folder imports only from folders before it: the jq
 * programs (queries) and the Kubernetes client (kube) are libraries that the cluster step uses
 * too; features, upstream, run and cli put the steps together.
 */
const LAYERS = ['util', 'tools', 'queries', 'kube', 'cluster', 'lab', 'faults', 'traffic', 'stats', 'report', 'features', 'upstream', 'run', 'cli'];
const HARNESS = path.join(REPO_ROOT, 'harness');

/** Every relative module a file names: static imports, re-exports and `import()`. */
function relativeImports(source: string): string[] {
  return [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.[^']+)'/gm)].map((m) => m[1]!);
}

function layerOf(file: string): string {
  return path.relative(HARNESS, file).split(path.sep)[0]!;
}

test('every folder of harness/ is in the layer order', () => {
  const folders = readdirSync(HARNESS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  expect(folders.filter((f) => !LAYERS.includes(f)), 'folders missing from LAYERS').toEqual([]);
});

test('no folder of harness/ imports from a folder above it', () => {
  const files = (readdirSync(HARNESS, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(HARNESS, f));
  expect(files.length).toBeGreaterThan(50);
  const upward: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), specifier);
      if (!target.startsWith(HARNESS + path.sep)) continue;
      const to = layerOf(target);
      if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) upward.push(`${path.relative(REPO_ROOT, file)} imports ${specifier} (${from} -> ${to})`);
    }
  }
  expect(upward).toEqual([]);
});

test('the check sees an upward import', () => {
  expect(relativeImports("import type { Report } from '../report/report-types.js';\nconst m = await import('../run/x.js');\nexport { a } from './a.js';")).toEqual(['../report/report-types.js', '../run/x.js', './a.js']);
});
