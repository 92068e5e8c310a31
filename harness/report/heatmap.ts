import type { NodeBalance } from '../stats/balance-types.js';
import { escapeHtml as h } from './escape.js';
import { percent, pValue } from './format.js';
import type { Report } from './report-types.js';

const OVER = [200, 40, 40];
const UNDER = [40, 90, 200];
const MAX_MIX = 0.7;

/** White at share 1/k, towards red above and blue below, saturating at twice the material bound. */
function cellColor(deviation: number, bound: number): string {
  const t = Math.min(1, Math.abs(deviation) / (2 * bound)) * MAX_MIX;
  const base = deviation >= 0 ? OVER : UNDER;
  const [r, g, b] = base.map((c) => Math.round(255 + (c - 255) * t)) as [number, number, number];
  return `rgb(${r}, ${g}, ${b})`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; color: #1f2328; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: #59636e; margin: 0 0 16px; }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 4px; font-weight: 600; color: #fff; }
.v-pass { background: #1a7f37; } .v-fail { background: #cf222e; } .v-error, .v-skip { background: #9a6700; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d1d9e0; padding: 6px 10px; text-align: right; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
th.row, td.row { text-align: left; }
.sub { display: block; font-weight: 400; color: #59636e; font-size: 12px; }
td.na { background: repeating-linear-gradient(45deg, #f6f8fa, #f6f8fa 4px, #eaeef2 4px, #eaeef2 8px); color: #8c959f; }
td.zero { outline: 2px solid #cf222e; outline-offset: -2px; }
.bad { color: #cf222e; font-weight: 600; }
.legend { margin: 12px 0; color: #59636e; }
.swatch { display: inline-block; width: 14px; height: 14px; vertical-align: middle; border: 1px solid #d1d9e0; margin: 0 4px; }
ul.checks li { margin: 2px 0; }
`;

function verdictBadge(verdict: string): string {
  return `<span class="verdict v-${h(verdict)}">${h(verdict.toUpperCase())}</span>`;
}

/** A self-contained HTML page: node x endpoint counts coloured by deviation from an even share. */
export function renderHeatmap(report: Report): string {
  const bound = report.balance?.materialDeviation ?? 0.1;
  const balanceOf = new Map<string, NodeBalance>((report.balance?.nodes ?? []).map((b) => [b.node, b]));
  const known = new Set(report.endpoints.map((e) => e.pod));
  const strays = [...new Set(Object.values(report.matrix).flatMap((row) => Object.keys(row)))].filter((p) => !known.has(p)).sort();
  const columns = [
    ...report.endpoints.map((e) => ({ pod: e.pod, sub: `${e.ip} on ${e.node}`, stray: false })),
    ...strays.map((pod) => ({ pod, sub: 'not an endpoint', stray: true })),
  ];

  const header = `<tr><th class="row">node</th>${columns
    .map((c) => `<th>${h(c.pod)}<span class="sub">${h(c.sub)}</span></th>`)
    .join('')}<th>failed</th><th>n</th><th>p (Holm)</th><th>balance</th></tr>`;

  const rows = report.nodes.map((node) => {
    const row = report.matrix[node.name] ?? {};
    const nb = balanceOf.get(node.name);
    const expected = new Set(nb?.expectedEndpoints ?? report.endpoints.map((e) => e.pod));
    const n = Object.entries(row).filter(([p]) => expected.has(p)).reduce((a, [, c]) => a + c, 0);
    const k = expected.size;
    const cells = columns.map((c) => {
      const count = row[c.pod] ?? 0;
      if (c.stray) return `<td class="${count > 0 ? 'bad' : ''}">${count}</td>`;
      if (!expected.has(c.pod)) return `<td class="na" title="not expected from this node">${count || '–'}</td>`;
      const share = n > 0 ? count / n : 0;
      const style = n > 0 ? ` style="background: ${cellColor(share - 1 / k, bound)}"` : '';
      const zero = n > 0 && count === 0 ? ' class="zero"' : '';
      return `<td${zero}${style} title="${h(`${count} of ${n}; even share ${percent(1 / k)}`)}">${count}<span class="sub">${n > 0 ? percent(share) : '–'}</span></td>`;
    });
    const failed = report.failures[node.name] ?? 0;
    const p = nb && nb.verdict !== 'skip' ? h(pValue(nb.adjustedPValue)) : '–';
    return `<tr><th class="row">${h(node.name)}<span class="sub">${h(node.address)} (${h(node.addressType)})</span></th>${cells.join('')}<td class="${failed > 0 ? 'bad' : ''}">${failed}</td><td>${n}</td><td>${p}</td><td>${nb ? verdictBadge(nb.verdict) : '–'}</td></tr>`;
  });

  const pooled = report.balance?.pooled;
  if (pooled) {
    const cells = columns.map((c) => {
      const count = pooled.counts[c.pod];
      if (count === undefined || pooled.n === 0) return '<td>–</td>';
      return `<td style="background: ${cellColor(count / pooled.n - 1 / pooled.k, bound)}">${count}<span class="sub">${percent(count / pooled.n)}</span></td>`;
    });
    const failed = Object.values(report.failures).reduce((a, b) => a + b, 0);
    const p = pooled.verdict === 'skip' ? '–' : `${h(pValue(pooled.pValue))}<span class="sub">unadjusted</span>`;
    rows.push(`<tr><th class="row">all nodes pooled</th>${cells.join('')}<td>${failed}</td><td>${pooled.n}</td><td>${p}</td><td>${verdictBadge(pooled.verdict)}</td></tr>`);
  }

  const problems = report.checks.filter((c) => c.status !== 'pass');
  const checkList = problems.length
    ? `<h2>Checks not passed</h2><ul class="checks">${problems.map((c) => `<li>${verdictBadge(c.status)} <code>${h(c.id)}</code>: ${h(c.message)}</li>`).join('')}</ul>`
    : `<p>All ${report.checks.length} checks passed.</p>`;
  const notes = report.notes.length ? `<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : '';
  const error = report.error ? `<p class="bad"><strong>Error:</strong> ${h(report.error)}</p>` : '';
  const alpha = report.balance ? `family alpha ${report.balance.familyAlpha}, Holm-corrected; ` : '';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${h(`${report.verdict.toUpperCase()}: kube-proxy-conformance, ${report.proxyMode}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${verdictBadge(report.verdict)} NodePort ${h(String(report.service.nodePort ?? '–'))} of ${h(`${report.service.namespace}/${report.service.name}`)}</h1>
<p class="meta">proxy mode <strong>${h(report.proxyMode)}</strong> · cluster ${h(report.cluster.name ?? report.cluster.provider)} (${h(report.cluster.kubernetesVersion ?? 'version unknown')}) · client ${h(report.client ?? '–')} · ${report.requestsPerNode} requests per node · ${h(report.startedAt)} – ${h(report.finishedAt)}</p>
${error}
<table>
<thead>${header}</thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p class="legend">Each cell: successful answers from that pod through that node's NodePort, and its share of the node's answers.
Colour: <span class="swatch" style="background: ${cellColor(2 * bound, bound)}"></span>above an even share
<span class="swatch" style="background: #fff"></span>even
<span class="swatch" style="background: ${cellColor(-2 * bound, bound)}"></span>below; full colour at ±${percent(2 * bound)}, ${alpha}a node fails balance only when significant and some share is off by more than ${percent(bound)}.
A red outline marks an endpoint that got nothing; hatched cells are endpoints the node is not expected to use.</p>
${checkList}
${notes}
</body>
</html>
`;
}
