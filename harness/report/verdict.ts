import type { Check, ReportVerdict } from './report-types.js';

export interface VerdictDecision {
  verdict: ReportVerdict;
  error: string | null;
}

/**
 * error if the run broke (error set) or nothing could be tested; fail if any check failed;
 * pass otherwise. Skipped checks never fail a run, but a run of only skips is no pass.
 */
export function decideVerdict(checks: readonly Check[], error: string | null = null): VerdictDecision {
  if (error !== null) return { verdict: 'error', error };
  if (checks.some((c) => c.status === 'fail')) return { verdict: 'fail', error: null };
  if (!checks.some((c) => c.status === 'pass')) {
    return { verdict: 'error', error: 'nothing could be tested: every check was skipped' };
  }
  return { verdict: 'pass', error: null };
}
