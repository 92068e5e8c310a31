import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderHeatmap } from './heatmap.js';
import { renderJunit } from './junit.js';
import { renderNdjson } from './ndjson.js';
import type { RequestRecord } from './request-record.js';
import type { Report } from './report-types.js';
import { assertValidReport } from './report-validator.js';

export const REPORT_FILES = {
  report: 'report.json',
  junit: 'junit.xml',
  records: 'records.ndjson',
  heatmap: 'heatmap.html',
} as const;

export interface WrittenReport {
  reportJson: string;
  junitXml: string;
  recordsNdjson: string;
  heatmapHtml: string;
}

/** Write to a temporary name first, so a reader never sees half a file. */
function writeAtomically(file: string, content: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
  return file;
}

/** Validates against docs/report.schema.json and throws ReportSchemaError (a bug) before writing anything. */
export function writeReportJson(dir: string, report: Report): string {
  assertValidReport(report);
  return writeAtomically(path.join(dir, REPORT_FILES.report), `${JSON.stringify(report, null, 2)}\n`);
}

export function writeJunit(dir: string, report: Report): string {
  return writeAtomically(path.join(dir, REPORT_FILES.junit), renderJunit(report));
}

export function writeRecords(dir: string, records: readonly RequestRecord[]): string {
  return writeAtomically(path.join(dir, REPORT_FILES.records), renderNdjson(records));
}

export function writeHeatmap(dir: string, report: Report): string {
  return writeAtomically(path.join(dir, REPORT_FILES.heatmap), renderHeatmap(report));
}

/** The report.json a run wrote into `dir`. */
export function readReportJson(dir: string): Report {
  return JSON.parse(readFileSync(path.join(dir, REPORT_FILES.report), 'utf8')) as Report;
}

/** All four files; report.json last, so its presence means the others are there too. */
export function writeReportFiles(dir: string, report: Report, records: readonly RequestRecord[]): WrittenReport {
  assertValidReport(report);
  const recordsNdjson = writeRecords(dir, records);
  const junitXml = writeJunit(dir, report);
  const heatmapHtml = writeHeatmap(dir, report);
  return { reportJson: writeReportJson(dir, report), junitXml, recordsNdjson, heatmapHtml };
}
