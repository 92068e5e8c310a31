import { FEATURES, PROFILES } from './registry.js';

/** The README's table of features, from the registry (a unit test keeps the README in step). */
export function featuresTable(): string {
  const profiles = (id: string) => (Object.keys(PROFILES) as (keyof typeof PROFILES)[]).filter((p) => (PROFILES[p] as readonly string[]).includes(id)).join(', ');
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    '| feature | level | profiles | what it checks, and why | the fault that fails it (`npm test` puts it on one node) |',
    '| --- | --- | --- | --- | --- |',
    ...FEATURES.map((f) => `| \`${f.id}\` | ${f.level} | ${profiles(f.id)} | ${cell(f.description)} | a node that ${cell(f.fault.describe)} |`),
  ].join('\n');
}
