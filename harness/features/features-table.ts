import { FEATURES, PROFILES } from './registry.js';

/** The README's table of features, from the registry (a unit test keeps the README in step). */
export function featuresTable(): string {
  const profiles = (id: string) => (Object.keys(PROFILES) as (keyof typeof PROFILES)[]).filter((p) => (PROFILES[p] as readonly string[]).includes(id)).join(', ');
  return [
    '| feature | level | profiles | what it checks, and why |',
    '| --- | --- | --- | --- |',
    ...FEATURES.map((f) => `| \`${f.id}\` | ${f.level} | ${profiles(f.id)} | ${f.description.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}
