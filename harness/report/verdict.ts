import type { CheckLine, ReportVerdict } from './report-types.js';

export interface VerdictDecision {
  verdict: ReportVerdict;
  error: string | null;
}

/**
 * fail when any check failed (a proxy fault is certain whatever else happened); error when the
 * run broke or some check could not be judged (a skipped check is missing evidence, never part of
 * a pass); pass only when every check passed.
 */
export function decideVerdict(checks: readonly Pick<CheckLine, 'id' | 'status' | 'message'>[], error: string | null = null): VerdictDecision {
  if (error !== null) return { verdict: 'error', error };
  if (checks.some((c) => c.status === 'fail')) return { verdict: 'fail', error: null };
  const skipped = checks.filter((c) => c.status === 'skip');
  if (skipped.length > 0) {
    const first = skipped[0]!;
    const more = skipped.length > 1 ? ` (and ${skipped.length - 1} more)` : '';
    return { verdict: 'error', error: `not enough evidence for a verdict: ${first.id}: ${first.message}${more}` };
  }
  if (checks.length === 0) return { verdict: 'error', error: 'nothing was tested' };
  return { verdict: 'pass', error: null };
}
