import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Measurement, Report } from './report-types.js';

/** The report.json a run wrote into `dir`. */
export function readReportJson(dir: string): Report {
  return JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report;
}

/** A feature's traffic measurement (its first, unless told); throws when the feature did not measure. */
export function measurementOf(report: Report, feature = 'NodePort', index = 0): Measurement {
  const measurement = report.features.find((f) => f.id === feature)?.measurements[index];
  if (!measurement) throw new Error(`the report has no measurement ${index} of feature ${feature}`);
  return measurement;
}
