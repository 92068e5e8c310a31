/** report.json did not match docs/report.schema.json: a bug in whoever built the report. */
export class ReportSchemaError extends Error {
  constructor(readonly problems: string[]) {
    super(`report does not match docs/report.schema.json:\n  ${problems.join('\n  ')}`);
    this.name = 'ReportSchemaError';
  }
}
