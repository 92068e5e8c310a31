import type { Report } from './report-types.js';
import { escapeHtml as h } from './escape.js';

/** One implementation of the matrix: what was asked, and what its certify run found. */
export interface MatrixColumn {
  /** As given on the command line: kube-proxy:nftables, a manifest directory, ... */
  entry: string;
  /** Set when this host cannot test it (e.g. ipvs without IP_VS); then nothing ran. */
  notTestable: string | null;
  exitCode: number | null;
  seconds: number | null;
  reportDir: string | null;
  implementation: string | null;
  proxyMode: string | null;
  verdict: string | null;
  error: string | null;
}

/** A row: one kind of check of one feature on one node (the node by its role), across the columns. */
export interface MatrixRow {
  feature: string;
  check: string;
  node: string | null;
  /** Per column (same order): pass, fail (with how many), skip, or null when the column has no such check. */
  cells: (string | null)[];
}

export interface Matrix {
  profile: string;
  columns: MatrixColumn[];
  rows: MatrixRow[];
  /** Per column: EndpointChurn's follow latencies per node, where measured. */
  latencies: { column: number; node: string; joinedP50: number | null; joinedP99: number | null; leftP50: number | null; leftP99: number | null }[];
  startedAt: string;
  finishedAt: string;
}

/** "kpc-matrix-2-worker" -> "worker": nodes compare across clusters by their role. */
export function nodeRole(node: string, cluster: string | null): string {
  return cluster && node.startsWith(`${cluster}-`) ? node.slice(cluster.length + 1) : node;
}

/** "cluster-ip/reach/<node>/<pod>" -> "reach": the kind of a check, whatever its feature's prefix. */
export function checkKind(id: string, node: string | null): string {
  const parts = id.split('/');
  const at = node ? parts.indexOf(node) : -1;
  const head = at > 0 ? parts.slice(0, at) : parts;
  return head.at(-1) ?? id;
}

/** Checks grouped into rows by feature, kind and node role; a cell fails when any of its checks failed. */
export function matrixRows(reports: (Report | null)[]): MatrixRow[] {
  const rows = new Map<string, MatrixRow>();
  reports.forEach((report, column) => {
    for (const check of report?.checks ?? []) {
      const node = check.node === null ? null : nodeRole(check.node, report!.cluster.name);
      const kind = checkKind(check.id, check.node);
      const key = `${check.feature}|${kind}|${node ?? ''}`;
      const row = rows.get(key) ?? { feature: check.feature, check: kind, node, cells: reports.map(() => null) };
      const cell = row.cells[column];
      const failed = (cell?.startsWith('fail') ? Number(/\d+/.exec(cell)?.[0] ?? 1) : 0) + (check.status === 'fail' ? 1 : 0);
      row.cells[column] = failed > 0 ? `fail (${failed})` : cell === 'skip' || check.status === 'skip' ? 'skip' : 'pass';
      rows.set(key, row);
    }
  });
  return [...rows.values()];
}

function cellClass(cell: string | null): string {
  if (cell === null) return 'none';
  return cell.split(' ')[0]!;
}

/** matrix.html: implementations as columns, checks (per feature, per node role) as rows; a self-contained page. */
export function renderMatrix(matrix: Matrix): string {
  const columns = matrix.columns;
  const head = `<tr><th class="row">feature</th><th class="row">check</th><th class="row">node</th>${columns.map((c) => `<th>${h(c.entry)}<span class="sub">${h(c.implementation ?? '')}${c.proxyMode ? ` · ${h(c.proxyMode)}` : ''}</span></th>`).join('')}</tr>`;
  const summary = [
    `<tr><th class="row" colspan="3">verdict</th>${columns.map((c) => `<td class="${c.notTestable ? 'skip' : h(c.verdict ?? 'error')}">${c.notTestable ? 'not testable here' : h((c.verdict ?? 'error').toUpperCase())}</td>`).join('')}</tr>`,
    `<tr><th class="row" colspan="3">boot, certify, teardown</th>${columns.map((c) => `<td>${c.seconds === null ? '–' : `${c.seconds.toFixed(0)} s`}</td>`).join('')}</tr>`,
    `<tr><th class="row" colspan="3">why not</th>${columns.map((c) => `<td class="why">${h(c.notTestable ?? c.error ?? '')}</td>`).join('')}</tr>`,
  ];
  const rows = matrix.rows.map((r) => `<tr><td class="row">${h(r.feature)}</td><td class="row">${h(r.check)}</td><td class="row">${h(r.node ?? 'all')}</td>${r.cells.map((c) => `<td class="${cellClass(c)}">${h(c ?? '–')}</td>`).join('')}</tr>`);
  const latency = matrix.latencies.length
    ? `<h2>How fast each node follows endpoint changes (EndpointChurn, ms)</h2><table><thead><tr><th class="row">implementation</th><th class="row">node</th><th>joined p50</th><th>joined p99</th><th>left p50</th><th>left p99</th></tr></thead><tbody>${matrix.latencies
        .map((l) => `<tr><td class="row">${h(columns[l.column]!.entry)}</td><td class="row">${h(l.node)}</td><td>${l.joinedP50 ?? '–'}</td><td>${l.joinedP99 ?? '–'}</td><td>${l.leftP50 ?? '–'}</td><td>${l.leftP99 ?? '–'}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kube-proxy-conformance matrix: ${h(columns.map((c) => c.entry).join(', '))}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; color: #1f2328; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 6px; }
.meta { color: #59636e; margin: 0 0 16px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d1d9e0; padding: 5px 9px; text-align: center; }
th { background: #f6f8fa; } .row { text-align: left; }
.sub { display: block; font-weight: 400; color: #59636e; font-size: 12px; }
td.pass { background: #dafbe1; color: #1a7f37; } td.fail { background: #ffebe9; color: #cf222e; font-weight: 600; }
td.skip, td.none { background: #f6f8fa; color: #6e7781; } td.error { background: #fff8c5; color: #9a6700; }
td.why { font-size: 12px; color: #59636e; max-width: 320px; }
</style>
</head>
<body>
<h1>kube-proxy-conformance: ${columns.length} implementations, profile ${h(matrix.profile)}</h1>
<p class="meta">${h(matrix.startedAt)} – ${h(matrix.finishedAt)} · each column certified on a cluster of its own · a row is one kind of check of one feature on one node (by role), failing when any of its checks failed</p>
<table>
<thead>${head}</thead>
<tbody>
${summary.join('\n')}
${rows.join('\n')}
</tbody>
</table>
${latency}
</body>
</html>
`;
}
