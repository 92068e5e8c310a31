export interface BalanceInput {
  /** The source of the traffic: a node whose NodePort was used, or the node of a client pod. */
  node: string;
  /** Successful responses per pod name. */
  counts: Record<string, number>;
  /** Pods this source should spread over: every ready endpoint, or the local ones under a Local traffic policy. */
  expectedEndpoints: string[];
}

export interface BalanceOptions {
  familyAlpha?: number;
  /** Material when some share is off 1/k by more than this fraction of 1/k. */
  materialRelative?: number;
  /** Target power for the detectable deviation the verdict states. */
  power?: number;
  /** Skip the (slow) detectable-deviation figures, for simulations; they are null then. */
  withoutPowerFigures?: boolean;
}

/** 'skip': not enough evidence to judge (never part of a pass: see report/verdict.ts). */
export type BalanceStatus = 'pass' | 'fail' | 'skip';

/** One endpoint on one node: was it reached? A zero count is tested against luck, in the run's family. */
export interface ReachTest {
  endpoint: string;
  count: number;
  /** ((k - 1) / k)^n for a zero count, else 1. */
  pValue: number;
  /** Holm-adjusted over the run's family. */
  adjustedPValue: number;
  /** fail: never reached, beyond luck; skip: never reached, but too few answers to tell. */
  verdict: BalanceStatus;
}

/** One chi-square test of even shares over the k expected endpoints. */
export interface BalanceTest {
  /** Responses from expected endpoints (the test's sample size). */
  n: number;
  k: number;
  expectedEndpoints: string[];
  /** Count per expected endpoint (0 where none arrived). */
  counts: Record<string, number>;
  chiSquare: number;
  df: number;
  pValue: number;
  /** Holm-adjusted over the run's family. */
  adjustedPValue: number;
  /** max over endpoints of |share - 1/k|, in share points. */
  maxDeviation: number;
  /** max over endpoints of |share - 1/k| / (1/k). */
  maxRelativeDeviation: number;
  significant: boolean;
  material: boolean;
  /** 'fail' exactly when significant and material; 'skip' when there were no answers. */
  verdict: BalanceStatus;
}

export interface NodeBalance extends BalanceTest {
  node: string;
  /** Responses from pods that are not expected endpoints; not part of the test (they fail forwarding). */
  unexpected: Record<string, number>;
  reach: ReachTest[];
  /** The smallest relative deviation this node's n detects with the target power at the run's test level (Infinity: none; null: not computed or k < 2). */
  detectableRelativeDeviation: number | null;
}

export interface PooledBalance extends BalanceTest {
  /** Nodes whose counts were summed. */
  nodes: string[];
}

export interface BalanceVerdict {
  nodes: NodeBalance[];
  /** null when there is no pooled test: a single node, or nodes that expect different endpoints. */
  pooled: PooledBalance | null;
  familyAlpha: number;
  materialRelative: number;
  /** Tests in the family (reach, per node, pooled), Holm-corrected together. */
  hypotheses: number;
  power: number;
  /** The worst node's detectable relative deviation (null when not computed or nothing could be tested). */
  detectableRelativeDeviation: number | null;
}
