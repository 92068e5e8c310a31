import type { FeatureLevel, Report } from './report-types.js';

export type ConformanceResult = 'success' | 'partial' | 'failure';

export interface LevelReport {
  result: ConformanceResult;
  statistics: { passed: number; failed: number; skipped: number };
  /** Features tested and passed at this level. */
  supportedFeatures: string[];
  /** Features not tested at this level, with why. */
  unsupportedFeatures: { feature: string; reason: string }[];
  failedTests: string[];
  skippedTests: { test: string; reason: string }[];
}

/** conformance-report.yaml, modelled on Gateway API's conformance reports (GEP-1709). */
export interface ConformanceReport {
  apiVersion: 'kube-proxy-conformance/v1alpha1';
  kind: 'ConformanceReport';
  date: string;
  implementation: Report['implementation'];
  kubernetesVersion: string | null;
  proxyMode: Report['proxyMode'];
  cluster: { provider: Report['cluster']['provider']; nodes: number };
  verdict: Report['verdict'];
  profiles: { name: string; core: LevelReport; extended: LevelReport | null }[];
  reproduce: { command: string };
}

function level(report: Report, wanted: FeatureLevel): LevelReport | null {
  const features = report.features.filter((f) => f.level === wanted);
  if (features.length === 0) return null;
  const checks = features.flatMap((f) => f.checks);
  const skippedFeatures = features.filter((f) => f.status === 'skip');
  const broken = features.filter((f) => f.status === 'error');
  const failed = checks.filter((c) => c.status === 'fail').map((c) => c.id);
  const skippedTests = [
    ...skippedFeatures.map((f) => ({ test: f.id, reason: f.reason ?? 'not testable on this cluster' })),
    ...broken.map((f) => ({ test: f.id, reason: f.reason ?? 'could not be judged' })),
    ...checks.filter((c) => c.status === 'skip').map((c) => ({ test: c.id, reason: c.message })),
  ];
  // success only when every feature of the level passed; a skipped (or unjudged) one makes it partial.
  const result: ConformanceResult = failed.length > 0 || features.some((f) => f.status === 'fail') ? 'failure' : skippedTests.length > 0 ? 'partial' : 'success';
  return {
    result,
    statistics: { passed: checks.filter((c) => c.status === 'pass').length, failed: failed.length, skipped: skippedTests.length },
    supportedFeatures: features.filter((f) => f.status === 'pass').map((f) => f.id),
    unsupportedFeatures: [...skippedFeatures, ...broken].map((f) => ({ feature: f.id, reason: f.reason ?? '' })),
    failedTests: failed,
    skippedTests,
  };
}

export function conformanceReport(report: Report): ConformanceReport {
  const core = level(report, 'core') ?? { result: 'partial', statistics: { passed: 0, failed: 0, skipped: 0 }, supportedFeatures: [], unsupportedFeatures: [], failedTests: [], skippedTests: [] };
  return {
    apiVersion: 'kube-proxy-conformance/v1alpha1',
    kind: 'ConformanceReport',
    date: report.finishedAt,
    implementation: report.implementation,
    kubernetesVersion: report.cluster.kubernetesVersion,
    proxyMode: report.proxyMode,
    cluster: { provider: report.cluster.provider, nodes: report.nodes.length },
    verdict: report.verdict,
    profiles: [{ name: report.profile, core, extended: level(report, 'extended') }],
    reproduce: { command: report.command },
  };
}
