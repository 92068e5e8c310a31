/** A report did not match its schema: a bug in whoever built the report. */
export class ReportSchemaError extends Error {
  constructor(schema: string, readonly problems: string[]) {
    super(`report does not match ${schema}:\n  ${problems.join('\n  ')}`);
    this.name = 'ReportSchemaError';
  }
}
