import type { RequestRecord } from './request-record.js';

/** node name -> pod name -> successful responses. */
export type TrafficMatrix = Record<string, Record<string, number>>;

/** What happened to one node's plan: every planned request is sent unless the node was given up on. */
export interface NodeTally {
  planned: number;
  sent: number;
  /** Successful answers (2xx naming a pod). */
  answered: number;
  failed: number;
}

/** A request counts for balance only when it got a 2xx from a pod that named itself. */
export function isSuccessful(record: RequestRecord): boolean {
  return record.error === null && record.status !== null && record.status >= 200 && record.status < 300 && record.pod !== null;
}

/** What the error of a request starts with when its timeouts kept firing late (burst.ts): no evidence about the proxy. */
export const CLIENT_STALLED = 'client stalled';

/** What the error of a request starts with when it connected but was never answered, on every send (burst.ts). */
export const APP_STALLED = 'no answer after connecting';

/** The client stalled on every send of this request: neither a drop nor an answer can be told. */
export function clientStalled(record: RequestRecord): boolean {
  return record.error?.startsWith(CLIENT_STALLED) ?? false;
}

/** No HTTP answer at all: refused, reset or timed out. */
export function isConnectionFailure(record: RequestRecord): boolean {
  return record.status === null && record.error !== null;
}

/** node -> pod -> successful responses; every node in `nodes` gets an entry, even with no answers. */
export function matrixFromRecords(records: readonly RequestRecord[], nodes: readonly string[] = []): TrafficMatrix {
  const matrix: TrafficMatrix = Object.fromEntries(nodes.map((n) => [n, {}]));
  for (const record of records) {
    const row = (matrix[record.node] ??= {});
    if (isSuccessful(record)) row[record.pod as string] = (row[record.pod as string] ?? 0) + 1;
  }
  return matrix;
}

/** node -> failed requests; every node in `nodes` gets an entry, 0 if none failed. */
export function failuresFromRecords(records: readonly RequestRecord[], nodes: readonly string[] = []): Record<string, number> {
  const failures: Record<string, number> = Object.fromEntries(nodes.map((n) => [n, 0]));
  for (const record of records) {
    failures[record.node] = (failures[record.node] ?? 0) + (isSuccessful(record) ? 0 : 1);
  }
  return failures;
}

/** Planned, sent, answered and failed per node, for a plan of `planned` requests to each of `nodes`. */
export function talliesFromRecords(records: readonly RequestRecord[], nodes: readonly string[], planned: number): Record<string, NodeTally> {
  const tallies: Record<string, NodeTally> = Object.fromEntries(nodes.map((n) => [n, { planned, sent: 0, answered: 0, failed: 0 }]));
  for (const record of records) {
    const tally = (tallies[record.node] ??= { planned, sent: 0, answered: 0, failed: 0 });
    tally.sent++;
    if (isSuccessful(record)) tally.answered++;
    else tally.failed++;
  }
  return tallies;
}

/** Why a request failed, short enough to group by. */
export function failureReason(record: RequestRecord): string {
  if (record.error !== null) return record.error;
  if (record.status === null) return 'no response';
  if (record.status < 200 || record.status >= 300) return `HTTP ${record.status}`;
  return 'answer without a pod name';
}
