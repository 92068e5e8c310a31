export interface BalanceInput {
  node: string;
  /** Successful responses per pod name, as seen through this node's NodePort. */
  counts: Record<string, number>;
  /** Pods this node should spread over: all ready endpoints (externalTrafficPolicy Cluster) or the local ones (Local). */
  expectedEndpoints: string[];
}

export interface BalanceOptions {
  familyAlpha?: number;
  materialDeviation?: number;
}

/** 'skip': nothing to test (no responses, or fewer than 2 expected endpoints). */
export type BalanceStatus = 'pass' | 'fail' | 'skip';

export interface NodeBalance {
  node: string;
  /** Responses from expected endpoints (the test's sample size). */
  n: number;
  k: number;
  expectedEndpoints: string[];
  /** Count per expected endpoint (0 where none arrived). */
  counts: Record<string, number>;
  /** Responses from pods that are not expected endpoints; not part of the test. */
  unexpected: Record<string, number>;
  chiSquare: number;
  df: number;
  pValue: number;
  /** Holm-adjusted over the tested nodes. */
  adjustedPValue: number;
  /** max over endpoints of |share - 1/k|. */
  maxDeviation: number;
  significant: boolean;
  material: boolean;
  /** Expected endpoints with count 0; judged by the separate "reach" check. */
  missingEndpoints: string[];
  /** 'fail' exactly when significant and material. */
  verdict: BalanceStatus;
}

export interface PooledBalance {
  /** Nodes whose counts were summed. */
  nodes: string[];
  n: number;
  k: number;
  expectedEndpoints: string[];
  counts: Record<string, number>;
  chiSquare: number;
  df: number;
  /** Unadjusted; compared with familyAlpha on its own. */
  pValue: number;
  maxDeviation: number;
  significant: boolean;
  material: boolean;
  verdict: BalanceStatus;
  /** Why the pooled test was skipped, if it was. */
  reason: string | null;
}

export interface BalanceVerdict {
  nodes: NodeBalance[];
  pooled: PooledBalance;
  familyAlpha: number;
  materialDeviation: number;
}
