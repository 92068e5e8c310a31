/** One request sent through a node's NodePort; written one per line to records.ndjson. */
export interface RequestRecord {
  /** Order of sending within the run, from 0. */
  seq: number;
  /** When it was sent, epoch ms (the sender's clock; kind nodes share this host's). */
  sentAt: number;
  /** Node whose NodePort was targeted. */
  node: string;
  address: string;
  port: number;
  /** Local source port of the connection, read at connect time; null if it never connected. */
  clientPort: number | null;
  /** Local source address of the connection, read at connect time; null if it never connected. */
  sourceAddress: string | null;
  /** The source address the answering pod saw (equal to sourceAddress when the proxy preserved it). */
  seenSource: string | null;
  /** HTTP status; null when no response arrived. */
  status: number | null;
  /** Backend that answered, as the app reports itself. */
  pod: string | null;
  podIP: string | null;
  backendNode: string | null;
  /** The pod's port the request came in on, as the app reports it (which target port the proxy chose); absent when it did not say. */
  servedPort?: number;
  latencyMs: number;
  error: string | null;
  /**
   * Sends of this request before this one that were no evidence (burst.ts): the client stalled
   * (its timeout fired late), or the connection was made and the app left it unanswered. Absent
   * when there were none.
   */
  stalledSends?: number;
  /** The parsed JSON reply (its text when not JSON), kept only for a plan's plain `request`. */
  reply?: unknown;
}
