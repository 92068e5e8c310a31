import type { DetectedProxyMode, NodeAddress, UnaddressedNode } from '../queries/types.js';
import type { Implementation } from '../cluster/implementation-survey.js';
import type { FeatureLevel, FeatureReport, Report, ReportCluster, ReportVerdict } from './report-types.js';

/** What the run knows of itself, apart from its features' results. */
export interface RunSummary {
  profile: string;
  /** The run's features, in order, with what the report says of one that never reported. */
  features: { id: string; title: string; level: FeatureLevel }[];
  implementation: Implementation;
  proxyMode: DetectedProxyMode;
  cluster: ReportCluster;
  nodes: NodeAddress[];
  unaddressedNodes?: UnaddressedNode[];
  notes: string[];
  startedAt: string;
  command: string;
}

function verdictOf(features: readonly FeatureReport[], runError: string | null): { verdict: ReportVerdict; error: string | null } {
  if (runError) return { verdict: 'error', error: runError };
  if (features.some((f) => f.status === 'fail')) return { verdict: 'fail', error: null };
  const broken = features.find((f) => f.status === 'error');
  if (broken) return { verdict: 'error', error: `${broken.id}: ${broken.reason ?? 'could not be judged'}` };
  if (!features.some((f) => f.status === 'pass')) return { verdict: 'error', error: 'nothing was tested: every feature was skipped' };
  return { verdict: 'pass', error: null };
}

/**
 * The run's report from its features' results: fail when any check failed; error when the run
 * broke or a feature could not be judged (an environment fault, missing evidence); pass when every
 * feature that ran passed. Features the cluster cannot test are skipped with their reason, never
 * passed; one that never reported is an error.
 */
export function assembleReport(summary: RunSummary, results: ReadonlyMap<string, FeatureReport>): Report {
  const now = new Date().toISOString();
  const features = summary.features.map(
    (f): FeatureReport =>
      results.get(f.id) ?? {
        ...f,
        status: 'error',
        reason: 'the feature did not report (the run ended before it; see the output above)',
        checks: [],
        measurements: [],
        figures: [],
        notes: [],
        startedAt: summary.startedAt,
        finishedAt: now,
      },
  );
  const anyRan = results.size > 0;
  const { verdict, error } = verdictOf(features, anyRan ? null : 'no feature reported: the run ended before any (see the output above)');
  return {
    verdict,
    profile: summary.profile,
    implementation: summary.implementation,
    proxyMode: summary.proxyMode,
    cluster: summary.cluster,
    nodes: summary.nodes,
    ...(summary.unaddressedNodes?.length ? { unaddressedNodes: summary.unaddressedNodes } : {}),
    features,
    checks: features.flatMap((f) => f.checks),
    startedAt: summary.startedAt,
    finishedAt: now,
    notes: [...summary.notes, ...features.flatMap((f) => f.notes.map((n) => `${f.id}: ${n}`))],
    command: summary.command,
    error,
  };
}
