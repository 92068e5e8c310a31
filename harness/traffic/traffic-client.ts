import type { RequestRecord } from './request-record.js';
import type { ProgressListener } from './burst.js';
import type { TrafficPlan } from './traffic-plan.js';

export const CLIENT_KINDS = ['host', 'container', 'pods', 'auto'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** Where the traffic comes from: this process, a container on the cluster's Docker network, or client pods in the cluster. */
export interface TrafficClient {
  readonly kind: Exclude<ClientKind, 'auto' | 'pods'> | 'pod';
  send(plan: TrafficPlan, onProgress?: ProgressListener, signal?: AbortSignal): Promise<RequestRecord[]>;
  close(): Promise<void>;
}
