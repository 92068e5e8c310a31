import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv2020 as Ajv2020Class, Options, ValidateFunction } from 'ajv/dist/2020.js';
import { cacheDir } from '../tools/versions.js';
import { lazyRequire } from '../util/lazy-require.js';
import { writeAtomically } from '../util/write-atomically.js';

// Compiling the report schemas costs about 0.6 s of CPU, in the seconds when certify's Playwright
// starts on the same two cores. ajv's standalone code of the compiled validator is kept in the
// harness's cache, and loading it costs a few milliseconds. A cache: losing it means compiling.

const require = createRequire(import.meta.url);
const ajv2020 = lazyRequire<typeof import('ajv/dist/2020.js')>('ajv/dist/2020.js');
const standaloneCode = lazyRequire<typeof import('ajv/dist/standalone/index.js')>('ajv/dist/standalone/index.js');
/** How the kept code names the custom formats: supplied by `load`, not by a file. */
const FORMATS_MODULE = './formats';

/** Custom formats by name: a check of a string value. */
export type FormatChecks = Record<string, (value: string) => boolean>;

/**
 * The validator of `schemaText`: loaded from the kept code when there is some for this schema,
 * these options and format names, and this version of ajv; else compiled and kept. The formats'
 * checks are always the ones passed here. `name` names the schema's files in the cache (an older
 * one of the same name is removed).
 */
export function keptValidator(name: string, schemaText: string, options: Options, formats: FormatChecks): ValidateFunction {
  const key = createHash('sha256')
    .update(JSON.stringify([schemaText, options, Object.keys(formats), ajvVersion()]))
    .digest('hex')
    .slice(0, 16);
  const file = path.join(cacheDir(), 'report-validators', `${name}.${key}.cjs`);
  const kept = load(file, formats);
  if (kept) return kept;
  const { Ajv2020, _ } = ajv2020();
  const ajv: Ajv2020Class = new Ajv2020({ ...options, code: { source: true, formats: _`require(${FORMATS_MODULE})` } });
  for (const [format, check] of Object.entries(formats)) ajv.addFormat(format, check);
  const validate = ajv.compile(JSON.parse(schemaText) as object);
  keep(file, standaloneCode().default(ajv, validate));
  return validate;
}

function ajvVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('ajv/package.json'), 'utf8')) as { version: string }).version;
}

function load(file: string, formats: FormatChecks): ValidateFunction | undefined {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    // The code is CommonJS that requires ajv's runtime helpers, resolved from here, and the formats.
    const module: { exports: { default?: ValidateFunction } } = { exports: {} };
    const requireFromCode = (id: string): unknown => (id === FORMATS_MODULE ? formats : require(id));
    new Function('require', 'module', 'exports', code)(requireFromCode, module, module.exports);
    return typeof module.exports.default === 'function' ? module.exports.default : undefined;
  } catch {
    return undefined; // Damaged: compiled again and written over.
  }
}

function keep(file: string, code: string): void {
  try {
    const [name] = path.basename(file).split('.');
    for (const old of readdirSync(path.dirname(file), { withFileTypes: true }).map((e) => e.name)) {
      if (old.startsWith(`${name}.`) && old !== path.basename(file)) rmSync(path.join(path.dirname(file), old), { force: true });
    }
  } catch {
    // No directory yet.
  }
  try {
    writeAtomically(file, code);
  } catch {
    // A cache that cannot be written costs a compile next time, nothing else.
  }
}
