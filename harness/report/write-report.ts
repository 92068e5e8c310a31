import path from 'node:path';
import { writeAtomically } from '../util/write-atomically.js';
import { yaml } from '../util/yaml.js';
import { conformanceReport } from './conformance-report.js';
import { renderHeatmap } from './heatmap.js';
import { renderJunit } from './junit.js';
import type { Report } from './report-types.js';
import { assertValidConformanceReport, assertValidReport } from './report-validator.js';

export const REPORT_FILES = {
  report: 'report.json',
  conformance: 'conformance-report.yaml',
  junit: 'junit.xml',
  records: 'records.ndjson',
  heatmap: 'heatmap.html',
} as const;

export interface WrittenReport {
  reportJson: string;
  conformanceYaml: string;
  junitXml: string;
  recordsNdjson: string;
  heatmapHtml: string;
}

/** Validates against docs/report.schema.json and throws ReportSchemaError (a bug) before writing anything. */
export function writeReportJson(dir: string, report: Report): string {
  assertValidReport(report);
  return writeAtomically(path.join(dir, REPORT_FILES.report), `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * Every file of a run: records (already NDJSON, one line per request, tagged with its feature),
 * junit.xml, heatmap.html, conformance-report.yaml, and report.json last, so its presence means
 * the others are there too. Both reports are validated against their schemas first.
 */
export function writeReportFiles(dir: string, report: Report, recordsNdjson: string): WrittenReport {
  assertValidReport(report);
  const conformance = conformanceReport(report);
  assertValidConformanceReport(conformance);
  return {
    recordsNdjson: writeAtomically(path.join(dir, REPORT_FILES.records), recordsNdjson),
    junitXml: writeAtomically(path.join(dir, REPORT_FILES.junit), renderJunit(report)),
    heatmapHtml: writeAtomically(path.join(dir, REPORT_FILES.heatmap), renderHeatmap(report)),
    conformanceYaml: writeAtomically(path.join(dir, REPORT_FILES.conformance), yaml().stringify(conformance)),
    reportJson: writeReportJson(dir, report),
  };
}
