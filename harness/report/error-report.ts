import path from 'node:path';
import type { DetectedProxyMode } from '../queries/types.js';
import { readClusterState, type RunConfig } from '../run/run-config.js';
import type { Report } from './report-types.js';
import { writeReportFiles } from './write-report.js';

export interface ErrorReportOptions {
  serviceName?: string;
  startedAt?: string;
  notes?: string[];
}

const MODES: readonly string[] = ['iptables', 'nftables', 'ipvs', 'none'];

/**
 * A report with verdict "error" for a run that ended before a verdict: what the run
 * config (and cluster.json, if the setup got that far) tells, plus the message.
 */
export function errorReport(config: RunConfig, message: string, options: ErrorReportOptions = {}): Report {
  let info: { name?: string; kubernetesVersion?: string; proxyMode?: string } = {};
  try {
    info = readClusterState(config).info;
  } catch {
    // The setup project never wrote cluster.json; the run config is all there is.
  }
  const cluster = config.cluster;
  const mode = info.proxyMode ?? (cluster.kind === 'kind' ? cluster.proxyMode : cluster.expectedProxyMode);
  const now = new Date().toISOString();
  return {
    verdict: 'error',
    proxyMode: mode && MODES.includes(mode) ? (mode as DetectedProxyMode) : 'unknown',
    cluster: {
      name: info.name ?? (cluster.kind === 'kind' ? cluster.name : null),
      provider: cluster.kind,
      // The schema wants an absolute path; a relative one from the command line is resolved here.
      kubeconfig: path.resolve(cluster.kubeconfig),
      kubernetesVersion: info.kubernetesVersion ?? null,
    },
    service: { namespace: config.namespace, name: options.serviceName ?? 'helloworld', nodePort: null },
    nodes: [],
    endpoints: [],
    matrix: {},
    failures: {},
    checks: [],
    balance: null,
    client: config.client === 'auto' ? null : config.client,
    requestsPerNode: config.requestsPerNode,
    startedAt: options.startedAt ?? now,
    finishedAt: now,
    notes: options.notes ?? [],
    error: message,
  };
}

/** Writes report.json (and junit.xml, heatmap.html, an empty records.ndjson) for a broken run. */
export function writeErrorReport(config: RunConfig, message: string, options: ErrorReportOptions = {}): Report {
  const report = errorReport(config, message, options);
  writeReportFiles(config.reportDir, report, []);
  return report;
}
