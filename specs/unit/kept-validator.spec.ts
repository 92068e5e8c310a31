import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { keptValidator } from '../../harness/report/kept-validator.js';
import { useScratchCacheDir } from '../support/scratch-cache-dir.js';

const SCHEMA = JSON.stringify({
  type: 'object',
  required: ['at'],
  properties: { at: { type: 'string', format: 'date-time' } },
});
const OPTIONS = { allErrors: true, strict: true };
const formats = (check: (value: string) => boolean) => ({ 'date-time': check });
const isDate = (value: string) => !Number.isNaN(Date.parse(value));

test.describe("report schemas' compiled code, kept in the cache", () => {
  const dir = useScratchCacheDir();
  const kept = () => readdirSync(path.join(dir(), 'report-validators'));

  test('the kept code validates as the compiled validator does, with the format checks passed at load', () => {
    const compiled = keptValidator('sample', SCHEMA, OPTIONS, formats(isDate));
    expect(kept()).toHaveLength(1);
    const loaded = keptValidator('sample', SCHEMA, OPTIONS, formats(isDate));
    expect(loaded).not.toBe(compiled);
    for (const value of [{ at: '2026-12-02T02:00:00Z' }, { at: 'yesterday' }, {}, { at: 3 }]) {
      expect(loaded(value), JSON.stringify(value)).toBe(compiled(value));
      expect(loaded.errors ?? null).toEqual(compiled.errors ?? null);
    }
    expect(keptValidator('sample', SCHEMA, OPTIONS, formats(() => true))({ at: 'yesterday' }), 'the format check given now, not the one compiled in').toBe(true);
  });

  test('the kept code is what is loaded; damaged, it is compiled again and written over', () => {
    keptValidator('sample', SCHEMA, OPTIONS, formats(isDate));
    const file = path.join(dir(), 'report-validators', kept()[0]!);
    writeFileSync(file, 'module.exports.default = function kept() { return "from the cache"; };');
    expect(keptValidator('sample', SCHEMA, OPTIONS, formats(isDate))({})).toBe('from the cache');
    writeFileSync(file, 'this is not JavaScript {');
    const validate = keptValidator('sample', SCHEMA, OPTIONS, formats(isDate));
    expect(validate({ at: 'yesterday' })).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain('"use strict"');
  });

  test('another schema of the same name replaces the older code; options are part of the key', () => {
    keptValidator('sample', SCHEMA, OPTIONS, formats(isDate));
    const first = kept();
    keptValidator('sample', SCHEMA.replace('"format"', '"minLength":1,"format"'), OPTIONS, formats(isDate));
    expect(kept()).toHaveLength(1);
    expect(kept()).not.toEqual(first);
    keptValidator('sample', SCHEMA, { ...OPTIONS, allErrors: false }, formats(isDate));
    expect(kept()).toHaveLength(1);
    keptValidator('other', SCHEMA, OPTIONS, formats(isDate));
    expect(kept()).toHaveLength(2);
  });
});
