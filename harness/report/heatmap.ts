import type { NodeBalance } from '../stats/balance-types.js';
import { MATERIAL_RELATIVE_DEVIATION } from '../stats/defaults.js';
import { escapeHtml as h } from './escape.js';
import { percent, pValue } from './format.js';
import { powerSentence } from './power-sentence.js';
import type { FeatureReport, FigureTable, Measurement, Report } from './report-types.js';

const OVER = [200, 40, 40];
const UNDER = [40, 90, 200];
const MAX_MIX = 0.7;

/** White at share 1/k, towards red above and blue below, saturating at twice the material bound (both relative to 1/k). */
function cellColor(deviation: number, bound: number): string {
  const t = Math.min(1, Math.abs(deviation) / (2 * bound)) * MAX_MIX;
  const base = deviation >= 0 ? OVER : UNDER;
  const [r, g, b] = base.map((c) => Math.round(255 + (c - 255) * t)) as [number, number, number];
  return `rgb(${r}, ${g}, ${b})`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; color: #1f2328; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #d1d9e0; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.meta { color: #59636e; margin: 0 0 12px; }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 4px; font-weight: 600; color: #fff; }
.v-pass { background: #1a7f37; } .v-fail { background: #cf222e; } .v-error { background: #9a6700; } .v-skip { background: #6e7781; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 6px 0; }
th, td { border: 1px solid #d1d9e0; padding: 6px 10px; text-align: right; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
th.row, td.row { text-align: left; }
.sub { display: block; font-weight: 400; color: #59636e; font-size: 12px; }
td.na { background: repeating-linear-gradient(45deg, #f6f8fa, #f6f8fa 4px, #eaeef2 4px, #eaeef2 8px); color: #8c959f; }
td.zero { outline: 2px solid #cf222e; outline-offset: -2px; }
.bad { color: #cf222e; font-weight: 600; }
.legend { margin: 12px 0; color: #59636e; max-width: 1100px; }
.swatch { display: inline-block; width: 14px; height: 14px; vertical-align: middle; border: 1px solid #d1d9e0; margin: 0 4px; }
ul.checks li { margin: 2px 0; }
`;

function badge(status: string): string {
  return `<span class="verdict v-${h(status)}">${h(status.toUpperCase())}</span>`;
}

/** One measurement: source x endpoint counts coloured by deviation from an even share. */
function matrixTable(m: Measurement): string {
  const bound = m.balance?.materialRelative ?? MATERIAL_RELATIVE_DEVIATION;
  const balanceOf = new Map<string, NodeBalance>((m.balance?.nodes ?? []).map((b) => [b.node, b]));
  const known = new Set(m.endpoints.map((e) => e.pod));
  const strays = [...new Set(Object.values(m.matrix).flatMap((row) => Object.keys(row)))].filter((p) => !known.has(p)).sort();
  const columns = [
    ...m.endpoints.map((e) => ({ pod: e.pod, sub: `${e.ip} on ${e.node}`, stray: false })),
    ...strays.map((pod) => ({ pod, sub: 'not an endpoint', stray: true })),
  ];
  const header = `<tr><th class="row">source</th>${columns
    .map((c) => `<th>${h(c.pod)}<span class="sub">${h(c.sub)}</span></th>`)
    .join('')}<th>failed</th><th>sent<span class="sub">of planned</span></th><th>n</th><th>p (Holm)</th><th>balance</th></tr>`;

  const rows = m.sources.map((source) => {
    const row = m.matrix[source.node] ?? {};
    const nb = balanceOf.get(source.node);
    const expected = new Set(nb?.expectedEndpoints ?? m.endpoints.map((e) => e.pod));
    const n = Object.entries(row).filter(([p]) => expected.has(p)).reduce((a, [, c]) => a + c, 0);
    const k = expected.size;
    const cells = columns.map((c) => {
      const count = row[c.pod] ?? 0;
      const pod = ` data-pod="${h(c.pod)}"`;
      if (c.stray) return `<td${pod} class="${count > 0 ? 'bad' : ''}">${count}</td>`;
      if (!expected.has(c.pod)) return `<td${pod} class="na${count > 0 ? ' bad' : ''}" title="not expected from this source">${count || '–'}</td>`;
      const share = n > 0 ? count / n : 0;
      const style = n > 0 && k > 1 ? ` style="background: ${cellColor(share * k - 1, bound)}"` : '';
      const zero = n > 0 && count === 0 ? ' class="zero"' : '';
      return `<td${pod}${zero}${style} title="${h(`${count} of ${n}; even share ${percent(1 / k)}`)}">${count}<span class="sub">${n > 0 ? percent(share) : '–'}</span></td>`;
    });
    const tally = m.traffic[source.node];
    const failed = tally?.failed ?? 0;
    const short = tally !== undefined && tally.sent < tally.planned;
    const sent = tally ? `${tally.sent}<span class="sub">of ${tally.planned}</span>` : '–';
    const p = nb && nb.verdict !== 'skip' && nb.k > 1 ? h(pValue(nb.adjustedPValue)) : '–';
    const verdict = nb && nb.k > 1 ? badge(nb.verdict) : '–';
    return `<tr data-source="${h(source.node)}"><th class="row">${h(source.node)}<span class="sub">${h(source.target)}</span></th>${cells.join('')}<td class="${failed > 0 ? 'bad' : ''}">${failed}</td><td class="${short ? 'bad' : ''}">${sent}</td><td>${n}</td><td>${p}</td><td>${verdict}</td></tr>`;
  });

  const pooled = m.balance?.pooled;
  if (pooled) {
    const cells = columns.map((c) => {
      const count = pooled.counts[c.pod];
      if (count === undefined || pooled.n === 0) return '<td>–</td>';
      return `<td style="background: ${cellColor((count / pooled.n) * pooled.k - 1, bound)}">${count}<span class="sub">${percent(count / pooled.n)}</span></td>`;
    });
    const tallies = Object.values(m.traffic);
    const failed = tallies.reduce((a, t) => a + t.failed, 0);
    const sent = `${tallies.reduce((a, t) => a + t.sent, 0)}<span class="sub">of ${tallies.reduce((a, t) => a + t.planned, 0)}</span>`;
    rows.push(`<tr data-source="pooled"><th class="row">all sources pooled</th>${cells.join('')}<td>${failed}</td><td>${sent}</td><td>${pooled.n}</td><td>${h(pValue(pooled.adjustedPValue))}</td><td>${badge(pooled.verdict)}</td></tr>`);
  }
  const power = m.sizing?.detectableRelativeDeviation ? `<p class="meta">${h(powerSentence(m.sizing.detectableRelativeDeviation, m.sizing.power, m.sizing.endpoints))}</p>` : '';
  const family = m.balance ? `one family of ${m.balance.hypotheses} tests at alpha ${m.balance.familyAlpha}, Holm-corrected` : 'no statistical tests';
  return `<h3>${h(m.name)}</h3>
<p class="meta">client ${h(m.client)} · ${m.requestsPerNode} requests per source · ${h(family)}</p>
${power}
<table>
<thead>${header}</thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function figureTable(figure: FigureTable): string {
  const cell = (v: string | number | null) => (v === null ? '–' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : h(v));
  return `<h3>${h(figure.title)}</h3>
<table>
<thead><tr>${figure.columns.map((c, i) => `<th${i === 0 ? ' class="row"' : ''}>${h(c)}</th>`).join('')}</tr></thead>
<tbody>
${figure.rows.map((r) => `<tr>${r.map((v, i) => (i === 0 ? `<th class="row">${cell(v)}</th>` : `<td>${cell(v)}</td>`)).join('')}</tr>`).join('\n')}
</tbody>
</table>`;
}

function featureSection(feature: FeatureReport): string {
  const problems = feature.checks.filter((c) => c.status !== 'pass');
  const checks =
    feature.status === 'skip'
      ? ''
      : problems.length
        ? `<ul class="checks">${problems.map((c) => `<li>${badge(c.status)} <code>${h(c.id)}</code>: ${h(c.message)}</li>`).join('')}</ul>`
        : `<p>All ${feature.checks.length} checks passed.</p>`;
  const reason = feature.reason ? `<p class="${feature.status === 'skip' ? 'meta' : 'bad'}">${h(feature.reason)}</p>` : '';
  return `<section id="${h(feature.id)}">
<h2>${badge(feature.status)} ${h(feature.id)} <span class="sub">${h(feature.level)}: ${h(feature.title)}</span></h2>
${reason}
${feature.measurements.map(matrixTable).join('\n')}
${feature.figures.map(figureTable).join('\n')}
${checks}
${feature.notes.length ? `<ul>${feature.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : ''}
</section>`;
}

/** A self-contained HTML page: the verdict, a line per feature, and per feature its traffic matrices and figures. */
export function renderHeatmap(report: Report): string {
  const bound = MATERIAL_RELATIVE_DEVIATION;
  const summary = report.features.length
    ? `<table class="features"><thead><tr><th class="row">feature</th><th class="row">level</th><th>result</th><th>checks passed</th><th class="row">why not</th></tr></thead><tbody>${report.features
        .map(
          (f) =>
            `<tr><th class="row"><a href="#${h(f.id)}">${h(f.id)}</a></th><td class="row">${h(f.level)}</td><td>${badge(f.status)}</td><td>${f.checks.filter((c) => c.status === 'pass').length} / ${f.checks.length}</td><td class="row">${h(f.reason ?? '')}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const notes = report.notes.length ? `<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : '';
  const error = report.error ? `<p class="bad"><strong>Error:</strong> ${h(report.error)}</p>` : '';
  const implementation = `${report.implementation.name}${report.implementation.version ? ` ${report.implementation.version}` : ''}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${h(`${report.verdict.toUpperCase()}: kube-proxy-conformance, ${implementation}, ${report.proxyMode}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${badge(report.verdict)} ${h(implementation)} <span class="sub">profile ${h(report.profile)}</span></h1>
<p class="meta">proxy mode <strong>${h(report.proxyMode)}</strong> · cluster ${h(report.cluster.name ?? report.cluster.provider)} (${h(report.cluster.kubernetesVersion ?? 'version unknown')}) · ${report.nodes.length} nodes · ${h(report.startedAt)} – ${h(report.finishedAt)}</p>
${error}
${summary}
${report.features.map(featureSection).join('\n')}
<p class="legend">Each matrix cell: successful answers from that pod through (or from) that source, and its share of the source's answers.
Colour: <span class="swatch" style="background: ${cellColor(2 * bound, bound)}"></span>above an even share
<span class="swatch" style="background: #fff"></span>even
<span class="swatch" style="background: ${cellColor(-2 * bound, bound)}"></span>below; full colour at ±${percent(2 * bound)} of the even share. A source fails balance only when significant and some share is off the even share by more than ${percent(bound)} of it.
A red outline marks an endpoint that got nothing; hatched cells are endpoints the source is not expected to use.</p>
${notes}
</body>
</html>
`;
}
