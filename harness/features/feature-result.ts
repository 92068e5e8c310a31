import type { ClusterFacts, Feature } from './feature.js';
import type { judgeTraffic } from '../report/judge-traffic.js';
import type { CheckLine, FeatureReport, FeatureStatus, FigureTable, Measurement } from '../report/report-types.js';
import type { RequestRecord } from '../traffic/request-record.js';
import { oneLineMessage } from '../util/errors.js';
import { decideVerdict } from '../report/verdict.js';

/** A feature's part of the report, and the requests its checks were judged on. */
export interface FeatureOutcome {
  report: FeatureReport;
  /** Tagged with the feature, as records.ndjson holds them. */
  records: readonly (RequestRecord & { feature: string })[];
}

/**
 * What one feature's steps learn, turned into its part of the report: the suite makes one per
 * feature, runs each step through step(), the steps file their checks, and the suite calls finish() once.
 */
export class FeatureResult {
  private readonly checks: CheckLine[] = [];
  private readonly measurements: Measurement[] = [];
  private readonly records: RequestRecord[] = [];
  private readonly figures: FigureTable[] = [];
  private readonly notes: string[] = [];
  private readonly startedAt = new Date().toISOString();
  private skipReason: string | null = null;
  private error: string | null = null;

  constructor(readonly feature: Feature) {}

  /**
   * Starts a feature on a cluster: one the cluster cannot test is skipped with the reason, or,
   * when the user claimed it with --features, an error (a claim that cannot be checked is no pass).
   * `notRunnable` then says why its steps are not run.
   */
  static begin(feature: Feature, facts: ClusterFacts, claimed: boolean): FeatureResult {
    const started = new FeatureResult(feature);
    const why = feature.untestable(facts);
    if (why && claimed) started.error = `claimed with --features, but this cluster cannot test it: ${why}`;
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

  /** Ends the feature: `failure` is the first error of its steps, if any. */
  finish(failure?: string): FeatureOutcome {
    if (failure && !this.error && !this.skipReason && this.checks.every((c) => c.status !== 'fail')) this.error = failure.split('\n')[0]!;
    return { report: this.report(), records: this.records.map((r) => ({ ...r, feature: this.feature.id })) };
  }

  /** A failed check wins over a broken step (the proxy fault is certain); a skipped check is missing evidence. */
  private outcome(): { status: FeatureStatus; reason: string | null } {
    if (this.skipReason) return { status: 'skip', reason: this.skipReason };
    if (this.checks.some((c) => c.status === 'fail')) return { status: 'fail', reason: null };
    const { verdict, error } = decideVerdict(this.checks, this.error);
    return { status: verdict, reason: error };
  }
}
