import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Measurement, Report } from './report-types.js';
import type { RequestRecord } from '../traffic/request-record.js';
import { REPORT_FILES } from './write-report.js';

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

/** Every request of the run, from the records.ndjson it wrote into `dir`. */
export function readRecords(dir: string): RequestRecord[] {
  return readFileSync(path.join(dir, REPORT_FILES.records), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RequestRecord);
}
