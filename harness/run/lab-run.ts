import path from 'node:path';
import { hostNotes } from '../cluster/proxy-mode.js';
import type { Endpoint, NodeAddress, NodeDiscovery, UnaddressedNode } from '../queries/types.js';
import { buildChecks } from '../report/build-checks.js';
import type { RequestRecord } from '../report/request-record.js';
import type { Check, Report } from '../report/report-types.js';
import { writeReportFiles } from '../report/write-report.js';
import { failuresFromRecords, matrixFromRecords } from '../report/traffic-matrix.js';
import { decideVerdict } from '../report/verdict.js';
import { evaluateBalance } from '../stats/balance.js';
import type { BalanceVerdict } from '../stats/balance-types.js';
import type { TrafficTarget } from '../traffic/traffic-plan.js';
import { oneLineMessage } from '../util/errors.js';
import { APP_NAME } from '../lab/helloworld-lab.js';
import type { ClusterState, RunConfig } from './run-config.js';

/** What the lab steps learn, turned into report.json and its companions at the end. */
export class LabRun {
  nodePort: number | null = null;
  endpoints: Endpoint[] = [];
  private nodes: NodeAddress[] = [];
  private unaddressed: UnaddressedNode[] = [];
  private records: RequestRecord[] = [];
  private client: 'host' | 'container' | null = null;
  private readonly notes: string[] = hostNotes();
  private readonly startedAt = new Date().toISOString();
  private error: string | null = null;
  private report: Report | undefined;

  constructor(private readonly run: RunConfig, private readonly state: ClusterState) {}

  get reportFile(): string {
    return path.join(this.run.reportDir, 'report.json');
  }

  get heatmapFile(): string {
    return path.join(this.run.reportDir, 'heatmap.html');
  }

  /** Runs one lab step; a failure becomes the report's error, naming the step. */
  async step(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      this.error ??= `step "${name}" failed: ${oneLineMessage(error)}`;
      throw error;
    }
  }

  discover(discovery: NodeDiscovery, labExternalIps: string[]): void {
    this.nodes = discovery.addressed;
    this.unaddressed = discovery.unaddressed;
    if (labExternalIps.length === 0) {
      this.notes.push("the lab's ExternalIP query finds nothing on these nodes (kind nodes have none); each node's InternalIP was used");
    }
  }

  targets(): TrafficTarget[] {
    if (this.nodePort === null) throw new Error('no NodePort discovered');
    const port = this.nodePort;
    return this.nodes.map((n) => ({ node: n.name, address: n.address, port }));
  }

  recordTraffic(client: 'host' | 'container', records: RequestRecord[]): void {
    this.client = client;
    this.records = records;
  }

  /** Judges the traffic: per node forwarding, reach and balance; writes the report files. */
  judge(): Report {
    const names = this.nodes.map((n) => n.name);
    const matrix = matrixFromRecords(this.records, names);
    const failures = failuresFromRecords(this.records, names);
    const expected = this.endpoints.map((e) => e.pod);
    const balance = evaluateBalance(names.map((node) => ({ node, counts: matrix[node] ?? {}, expectedEndpoints: expected })));
    const checks = buildChecks({
      nodes: this.nodes,
      unaddressedNodes: this.unaddressed,
      endpoints: this.endpoints,
      matrix,
      failures,
      balance,
      nodePort: this.nodePort,
      records: this.records,
    });
    return this.write(checks, balance, matrix, failures);
  }

  /** Called once at the end: keeps the judged report, or writes an error report for a broken run. */
  finish(failure?: string): Report {
    if (this.report && !this.error) return this.report;
    this.error ??= failure ? failure.split('\n')[0]! : 'the lab did not reach a verdict';
    return this.write(this.report?.checks ?? [], this.report?.balance ?? null, this.report?.matrix ?? {}, this.report?.failures ?? {});
  }

  private write(checks: Check[], balance: BalanceVerdict | null, matrix: Report['matrix'], failures: Report['failures']): Report {
    const { verdict, error } = decideVerdict(checks, this.error);
    const { info } = this.state;
    this.report = {
      verdict,
      proxyMode: info.proxyMode,
      cluster: { name: info.name, provider: info.provider, kubeconfig: info.kubeconfig, kubernetesVersion: info.kubernetesVersion },
      service: { namespace: this.run.namespace, name: APP_NAME, nodePort: this.nodePort },
      nodes: this.nodes,
      unaddressedNodes: this.unaddressed,
      endpoints: this.endpoints,
      matrix,
      failures,
      checks,
      balance,
      client: this.client,
      requestsPerNode: this.run.requestsPerNode,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      notes: this.notes,
      error,
    };
    writeReportFiles(this.run.reportDir, this.report, this.records);
    return this.report;
  }
}
