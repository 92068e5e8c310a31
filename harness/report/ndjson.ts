import type { RequestRecord } from '../traffic/request-record.js';

/** One JSON object per line, newline-terminated; empty input gives an empty file. */
export function renderNdjson(records: readonly RequestRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}
