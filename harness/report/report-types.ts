import type { DetectedProxyMode, Endpoint, NodeAddress, UnaddressedNode } from '../queries/types.js';
import type { BalanceVerdict } from '../stats/balance-types.js';

export type ReportVerdict = 'pass' | 'fail' | 'error';
export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One line of the verdict; ids are stable: forwarding/<node>, reach/<node>/<pod>, balance/<node>, balance/pooled. */
export interface Check {
  id: string;
  node: string | null;
  endpoint: string | null;
  status: CheckStatus;
  message: string;
}

export interface ReportCluster {
  /** kind cluster name; null when attached to an existing cluster whose name is not known. */
  name: string | null;
  provider: 'kind' | 'existing';
  /** Absolute path. */
  kubeconfig: string;
  /** null when the run ended before the server version was read. */
  kubernetesVersion: string | null;
}

export interface ReportService {
  namespace: string;
  name: string;
  nodePort: number | null;
}

/** node name -> pod name -> successful responses. */
export type TrafficMatrix = Record<string, Record<string, number>>;

/** Contents of report.json; docs/report.schema.json is the contract, this type mirrors it. */
export interface Report {
  verdict: ReportVerdict;
  proxyMode: DetectedProxyMode;
  cluster: ReportCluster;
  service: ReportService;
  nodes: NodeAddress[];
  /** Nodes that could not be tested; optional. */
  unaddressedNodes?: UnaddressedNode[];
  endpoints: Endpoint[];
  matrix: TrafficMatrix;
  /** node name -> failed requests (no answer, non-2xx, or an answer without a pod name). */
  failures: Record<string, number>;
  checks: Check[];
  /** null only when verdict is "error" and the run ended before any traffic was judged. */
  balance: BalanceVerdict | null;
  /** null only in error reports written before the client was chosen. */
  client: 'host' | 'container' | null;
  requestsPerNode: number;
  /** ISO 8601 / RFC 3339. */
  startedAt: string;
  finishedAt: string;
  notes: string[];
  /** Set exactly when verdict is "error". */
  error: string | null;
}
