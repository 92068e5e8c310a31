import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClusterFacts, Feature } from '../features/feature.js';
import type { judgeTraffic } from '../report/judge-traffic.js';
import type { CheckLine, FeatureReport, FeatureStatus, FigureTable, Measurement } from '../report/report-types.js';
import { renderNdjson } from '../report/ndjson.js';
import { writeAtomically } from '../util/write-atomically.js';
import type { RequestRecord } from '../traffic/request-record.js';
import { oneLineMessage } from '../util/errors.js';
import { decideVerdict } from '../report/verdict.js';
import type { RunConfig } from './run-config.js';

export const FEATURES_DIR = 'features';

/**
 * What one feature's steps learn, turned into its part of the report: the spec of each feature
 * makes one, runs its steps through step(), files its checks, and calls finish() once.
 */
export class FeatureRun {
  private readonly checks: CheckLine[] = [];
  private readonly measurements: Measurement[] = [];
  private readonly records: RequestRecord[] = [];
  private readonly figures: FigureTable[] = [];
  private readonly notes: string[] = [];
  private readonly startedAt = new Date().toISOString();
  private skipReason: string | null = null;
  private error: string | null = null;
  private written: FeatureReport | undefined;

  constructor(readonly feature: Feature, private readonly run: RunConfig) {}

  /**
   * Starts a feature on a cluster: one the cluster cannot test is skipped with the reason, or,
   * when the user claimed it with --features, an error (a claim that cannot be checked is no pass).
   * `notRunnable` then says why its steps are not run.
   */
  static begin(feature: Feature, run: RunConfig, facts: ClusterFacts): FeatureRun {
    const started = new FeatureRun(feature, run);
    const why = feature.untestable(facts);
    if (why && run.featuresClaimed) started.error = `claimed with --features, but this cluster cannot test it: ${why}`;
    else if (why) started.skip(why);
    return started;
  }

  get notRunnable(): string | null {
    return this.skipReason ?? (this.checks.length === 0 ? this.error : null);
  }

  /** Runs one step; its failure becomes the feature's error, naming the step. */
  async step<T>(name: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      this.error ??= `step "${name}" failed: ${oneLineMessage(error)}`;
      throw error;
    }
  }

  skip(reason: string): void {
    this.skipReason = reason;
  }

  get skipped(): string | null {
    return this.skipReason;
  }

  addTraffic(judged: ReturnType<typeof judgeTraffic>, records: readonly RequestRecord[]): void {
    this.measurements.push(judged.measurement);
    this.checks.push(...judged.checks);
    this.records.push(...records);
  }

  /** Traffic judged by the feature's own checks rather than by judgeTraffic: kept for the report's records. */
  addRecords(records: readonly RequestRecord[]): void {
    this.records.push(...records);
  }

  addChecks(checks: readonly CheckLine[]): void {
    this.checks.push(...checks);
  }

  figure(table: FigureTable): void {
    this.figures.push(table);
  }

  note(line: string): void {
    this.notes.push(line);
  }

  /** The feature's part of the report as it stands. */
  report(): FeatureReport {
    const { status, reason } = this.outcome();
    return {
      id: this.feature.id,
      title: this.feature.title,
      level: this.feature.level,
      status,
      reason,
      checks: this.checks.map((c) => ({ ...c, feature: this.feature.id })),
      measurements: this.measurements,
      figures: this.figures,
      notes: this.notes,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
    };
  }

  /** Writes the feature's result and its records for the report; `failure` is the spec's first error, if any. */
  finish(failure?: string): FeatureReport {
    if (failure && !this.error && !this.skipReason && this.checks.every((c) => c.status !== 'fail')) this.error = failure.split('\n')[0]!;
    this.written = this.report();
    const dir = featuresDir(this.run.reportDir);
    writeAtomically(path.join(dir, `${this.feature.id}.records.ndjson`), renderNdjson(this.records.map((r) => ({ ...r, feature: this.feature.id }))));
    writeAtomically(path.join(dir, `${this.feature.id}.json`), `${JSON.stringify(this.written, null, 2)}\n`);
    return this.written;
  }

  /** A failed check wins over a broken step (the proxy fault is certain); a skipped check is missing evidence. */
  private outcome(): { status: FeatureStatus; reason: string | null } {
    if (this.skipReason) return { status: 'skip', reason: this.skipReason };
    if (this.checks.some((c) => c.status === 'fail')) return { status: 'fail', reason: null };
    const { verdict, error } = decideVerdict(this.checks, this.error);
    return { status: verdict, reason: error };
  }
}

export function featuresDir(reportDir: string): string {
  return path.join(reportDir, FEATURES_DIR);
}

/** The feature results a run wrote, by feature id. */
export function readFeatureResults(reportDir: string): Map<string, { report: FeatureReport; records: string }> {
  const dir = featuresDir(reportDir);
  const results = new Map<string, { report: FeatureReport; records: string }>();
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return results;
  }
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as FeatureReport;
    let records = '';
    try {
      records = readFileSync(path.join(dir, `${report.id}.records.ndjson`), 'utf8');
    } catch {
      // A feature that sent no traffic wrote no records.
    }
    results.set(report.id, { report, records });
  }
  return results;
}
