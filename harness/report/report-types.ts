import type { DetectedProxyMode, Endpoint, NodeAddress, UnaddressedNode } from '../queries/types.js';
import type { BalanceVerdict } from '../stats/balance-types.js';
import type { NodeTally, TrafficMatrix } from '../traffic/traffic-matrix.js';
import type { Implementation } from '../cluster/implementation-survey.js';

export type ReportVerdict = 'pass' | 'fail' | 'error';
export type CheckStatus = 'pass' | 'fail' | 'skip';
export type FeatureLevel = 'core' | 'extended';
/** skip: the cluster cannot test the feature (with the reason); error: it could not be judged. */
export type FeatureStatus = 'pass' | 'fail' | 'skip' | 'error';

/**
 * One line of the verdict. Ids are stable: the NodePort lab's are forwarding/<node>,
 * reach/<node>/<pod>, balance/<node>, balance/pooled; every other feature prefixes its own
 * (cluster-ip/forwarding/<node>, ...).
 */
export interface Check {
  id: string;
  /** The feature the check belongs to. */
  feature: string;
  node: string | null;
  endpoint: string | null;
  status: CheckStatus;
  message: string;
}

/** A check before it is filed under its feature. */
export type CheckLine = Omit<Check, 'feature'>;

export interface ReportCluster {
  /** kind cluster name, or the kubeconfig context of an existing cluster; null when not known. */
  name: string | null;
  provider: 'kind' | 'existing';
  /** Absolute path. */
  kubeconfig: string;
  /** null when the run ended before the server version was read. */
  kubernetesVersion: string | null;
}

export interface ReportSizing {
  nodes: number;
  endpoints: number;
  /** Fewer requests per node than this are refused. */
  minimum: number;
  /** The default for this shape. */
  recommended: number;
  hypotheses: number;
  familyAlpha: number;
  power: number;
  materialRelative: number;
  /** The smallest deviation from the fair share, as a fraction of it, that this run detected with `power` (worst node). */
  detectableRelativeDeviation: number | null;
}

/** Where one row of traffic came from. */
export interface MeasurementSource {
  /** The node the traffic went through (NodePort) or came from (client pod). */
  node: string;
  /** What the traffic was sent to. */
  target: string;
  /** How messages name it. */
  label: string;
}

/** One traffic measurement of a feature: who sent how much where, who answered, and the statistics. */
export interface Measurement {
  name: string;
  client: 'host' | 'container' | 'pod';
  sources: MeasurementSource[];
  endpoints: Endpoint[];
  matrix: TrafficMatrix;
  /** source node -> requests planned, sent (fewer when given up on), answered and failed. */
  traffic: Record<string, NodeTally>;
  balance: BalanceVerdict | null;
  requestsPerNode: number;
  sizing: ReportSizing | null;
}

/** A table of figures, rendered as it is on the report page. */
export interface FigureTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export interface FeatureReport {
  id: string;
  title: string;
  level: FeatureLevel;
  status: FeatureStatus;
  /** Why it was skipped or could not be judged; null otherwise. */
  reason: string | null;
  checks: Check[];
  measurements: Measurement[];
  /** Figures a feature reports beside its checks (latencies per node, stickiness per client), as tables. */
  figures: FigureTable[];
  notes: string[];
  startedAt: string;
  finishedAt: string;
}

/** Contents of report.json; docs/report.schema.json is the contract, this type mirrors it. */
export interface Report {
  verdict: ReportVerdict;
  /** The conformance profile asked for (nodeport, core, all), and the features run. */
  profile: string;
  implementation: Implementation;
  proxyMode: DetectedProxyMode;
  cluster: ReportCluster;
  nodes: NodeAddress[];
  /** Nodes that could not be sent through; optional. */
  unaddressedNodes?: UnaddressedNode[];
  features: FeatureReport[];
  /** Every feature's checks, in feature order. */
  checks: Check[];
  /** ISO 8601 / RFC 3339. */
  startedAt: string;
  finishedAt: string;
  notes: string[];
  /** The command that reproduces the run. */
  command: string;
  /** Set exactly when verdict is "error". */
  error: string | null;
}
