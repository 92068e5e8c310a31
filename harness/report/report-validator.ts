import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { keptValidator } from './kept-validator.js';
import { ReportSchemaError } from './report-schema-error.js';
import type { Report } from './report-types.js';

export const REPORT_SCHEMA_URL = new URL('../../docs/report.schema.json', import.meta.url);
export const CONFORMANCE_SCHEMA_URL = new URL('../../docs/conformance-report.schema.json', import.meta.url);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

// A schema that does not compile is remembered with its error, which every validation then throws.
const compiled = new Map<string, ValidateFunction | Error>();

function compiledOnce(schema: URL): ValidateFunction | Error {
  let validate = compiled.get(schema.href);
  if (!validate) {
    validate = compile(schema);
    compiled.set(schema.href, validate);
  }
  return validate;
}

function validator(schema: URL): ValidateFunction {
  const validate = compiledOnce(schema);
  if (validate instanceof Error) throw validate;
  return validate;
}

function compile(schema: URL): ValidateFunction | Error {
  try {
    // ajv-formats is not a dependency; date-time is the only format the schemas use.
    const formats = { 'date-time': (value: string) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)) };
    const name = path.basename(fileURLToPath(schema), '.schema.json');
    return keptValidator(name, readFileSync(schema, 'utf8'), { allErrors: true, strict: true, allowUnionTypes: true }, formats);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Compiles both schemas now (about 0.6 s of CPU; some 25 ms when their code is kept), so that
 * writing the reports later does not wait for it. Never throws: a schema that does not compile
 * fails when a report is validated.
 */
export function compileReportSchemas(): void {
  compiledOnce(REPORT_SCHEMA_URL);
  compiledOnce(CONFORMANCE_SCHEMA_URL);
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '(root)'} ${error.message ?? error.keyword}${error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ''}`;
}

/** What JSON Schema cannot say: check ids are unique, and every measurement's matrix and traffic name its sources. */
function crossFieldProblems(report: Report): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const check of report.checks) {
    if (seen.has(check.id)) problems.push(`/checks duplicate id "${check.id}"`);
    seen.add(check.id);
  }
  for (const feature of report.features) {
    for (const m of feature.measurements) {
      const sources = new Set(m.sources.map((s) => s.node));
      for (const key of [...Object.keys(m.matrix), ...Object.keys(m.traffic)]) {
        if (!sources.has(key)) problems.push(`feature ${feature.id}, measurement "${m.name}": matrix or traffic names "${key}", which is not one of its sources`);
      }
    }
  }
  return [...new Set(problems)];
}

function problemsAgainst(schema: URL, value: unknown): string[] {
  const validate = validator(schema);
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}

/** Problems found in `value` as a report; empty when it is valid. */
export function reportProblems(value: unknown): string[] {
  const problems = problemsAgainst(REPORT_SCHEMA_URL, value);
  return problems.length > 0 ? problems : crossFieldProblems(value as Report);
}

export function conformanceReportProblems(value: unknown): string[] {
  return problemsAgainst(CONFORMANCE_SCHEMA_URL, value);
}

export function isValidReport(value: unknown): value is Report {
  return reportProblems(value).length === 0;
}

export function assertValidReport(value: unknown): asserts value is Report {
  const problems = reportProblems(value);
  if (problems.length > 0) throw new ReportSchemaError('docs/report.schema.json', problems);
}

export function assertValidConformanceReport(value: unknown): void {
  const problems = conformanceReportProblems(value);
  if (problems.length > 0) throw new ReportSchemaError('docs/conformance-report.schema.json', problems);
}
