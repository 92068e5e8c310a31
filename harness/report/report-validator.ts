import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ReportSchemaError } from './report-schema-error.js';
import type { Report } from './report-types.js';

export const REPORT_SCHEMA_URL = new URL('../../docs/report.schema.json', import.meta.url);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    // ajv-formats is not a dependency; date-time is the only format the schema uses.
    ajv.addFormat('date-time', (value: string) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)));
    compiled = ajv.compile(JSON.parse(readFileSync(REPORT_SCHEMA_URL, 'utf8')) as object);
  }
  return compiled;
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '(root)'} ${error.message ?? error.keyword}${error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ''}`;
}

/** What JSON Schema cannot say: check ids are unique, matrix and failures name known nodes. */
function crossFieldProblems(report: Report): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const check of report.checks) {
    if (seen.has(check.id)) problems.push(`/checks duplicate id "${check.id}"`);
    seen.add(check.id);
  }
  const nodes = new Set(report.nodes.map((n) => n.name));
  for (const key of [...Object.keys(report.matrix), ...Object.keys(report.failures)]) {
    if (!nodes.has(key)) problems.push(`/matrix or /failures names node "${key}", which is not in /nodes`);
  }
  return [...new Set(problems)];
}

/** Problems found in `value` as a report; empty when it is valid. */
export function reportProblems(value: unknown): string[] {
  const validate = validator();
  if (!validate(value)) return (validate.errors ?? []).map(describe);
  return crossFieldProblems(value as Report);
}

export function isValidReport(value: unknown): value is Report {
  return reportProblems(value).length === 0;
}

export function assertValidReport(value: unknown): asserts value is Report {
  const problems = reportProblems(value);
  if (problems.length > 0) throw new ReportSchemaError(problems);
}
