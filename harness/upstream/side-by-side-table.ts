import { FEATURES } from '../features/registry.js';
import { UPSTREAM_FOCUS, UPSTREAM_NOT_RUN } from './focus-list.js';

/** Upstream's test name without its "[sig-network] Services " prefix and tags, for a table cell. */
function shortName(name: string): string {
  return name.replace(/^\[sig-network\] (Services |Traffic Distribution |Conntrack )?/, '').replace(/ \[[^\]]+\]/g, '');
}

/**
 * The README's side-by-side table, from the registry and the focus list: per feature (each checked
 * through every node), upstream's tests of the same behaviour and what they go through, or that
 * only this suite checks it. A unit test keeps the README in step.
 */
export function sideBySideTable(): string {
  const row = (id: string) => {
    const upstream = UPSTREAM_FOCUS.filter((t) => t.features.includes(id));
    const cell = upstream.length === 0 ? '**only this suite**' : upstream.map((t) => `"${shortName(t.name)}": ${t.behaviour}`).join('<br>');
    return `| \`${id}\` | ${cell.replace(/\|/g, '\\|')} |`;
  };
  return [
    "| feature (checked through every node) | upstream's e2e tests of the same behaviour in `npm run upstream`, and what they go through |",
    '| --- | --- |',
    ...FEATURES.map((f) => row(f.id)),
    `| not run here | ${UPSTREAM_NOT_RUN.map((t) => `"${shortName(t.name)}"`).join(', ')} |`,
  ].join('\n');
}
