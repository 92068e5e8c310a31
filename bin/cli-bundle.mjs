// One ES module per command, bundled by esbuild from the harness's TypeScript and made again when
// a file it was made from changes. Starting certify through tsx's loader costs about half a second
// more on two cores (hundreds of modules through a loader thread), on the path to the verdict.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Read by the build, though esbuild's metafile does not list them. */
const ALSO_READ = ['bin/cli-bundle.mjs', 'tsconfig.json', 'node_modules/esbuild/package.json'];

/**
 * The URL of harness/cli/<name>.bundle.js, fresh; undefined when it cannot be made here (an
 * installed package is never written to, esbuild is missing, a source does not compile): the
 * caller then runs the TypeScript through tsx, which reports a compile error as it should. The
 * bundle sits next to its entry point, so the modules' paths from import.meta.url still hold.
 */
export async function bundledCommand(name) {
  if (ROOT.split(path.sep).includes('node_modules')) return undefined;
  const out = path.join(ROOT, 'harness/cli', `${name}.bundle.js`);
  const stampFile = `${out}.inputs.json`;
  try {
    if (existsSync(out) && existsSync(stampFile)) {
      const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
      if (fingerprint(stamp.inputs) === stamp.hash) return pathToFileURL(out).href;
    }
    const { build } = await import('esbuild');
    const temporary = `${out}.${process.pid}.tmp`;
    try {
      const { metafile } = await build({
        absWorkingDir: ROOT,
        entryPoints: [`harness/cli/${name}.ts`],
        outfile: temporary,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = [...Object.keys(metafile.inputs), ...ALSO_READ.filter((f) => existsSync(path.join(ROOT, f)))];
      // Whole or not at all: another certify may be starting at the same moment.
      renameSync(temporary, out);
      writeFileSync(`${stampFile}.${process.pid}.tmp`, JSON.stringify({ hash: fingerprint(inputs), inputs }));
      renameSync(`${stampFile}.${process.pid}.tmp`, stampFile);
    } finally {
      rmSync(temporary, { force: true });
    }
    return pathToFileURL(out).href;
  } catch {
    return undefined;
  }
}

function fingerprint(inputs) {
  const hash = createHash('sha256');
  for (const file of inputs) hash.update(`${file}\0`).update(readFileSync(path.join(ROOT, file)));
  return hash.digest('hex');
}
