import { test, expect } from '../support/fixtures.js';
import { runCli } from '../support/cli.js';
import { NodeFaultInjector } from '../../harness/faults/node-fault-injector.js';
import { describeFault, type ProxyFault } from '../../harness/faults/proxy-fault.js';
import { JqRunner } from '../../harness/queries/jq-runner.js';
import { APP_PORT } from '../../harness/lab/helloworld-lab.js';
import type { Endpoint } from '../../harness/queries/types.js';
import { runBurst } from '../../harness/traffic/burst.js';
import { GIVE_UP_AFTER } from '../../harness/traffic/traffic-plan.js';
import { sizeRun } from '../../harness/stats/sizing.js';
import { measurementOf, readRecords, readReportJson } from '../../harness/report/report-reader.js';
import { scratchDir } from '../support/scratch.js';
import { EACH_MODE } from '../support/tags.js';

/** Issue 7: "a run with one dead node ends within about a minute of the first failures". */
const FAIL_FAST_WITHIN_MS = 60_000;

/**
 * A harness that cannot fail certifies nothing: break the proxy on ONE worker of the live
 * cluster, run `certify` against it, and require exit 1 with that node (and endpoint) named.
 */
test.describe('certify catches a broken proxy on one node', () => {
  let endpoints: Endpoint[];
  let victim: string;
  let victimAddress: string;
  let nodeCount: number;

  test.beforeAll(async ({ lab, state }) => {
    test.skip(state.info.provider !== 'kind', 'faults are injected into kind node containers');
    const jq = await JqRunner.load();
    await lab.deploy();
    await lab.waitForRollout();
    endpoints = await lab.waitForReadyEndpoints(await lab.replicas());
    const nodes = jq.nodeAddresses(await lab.nodesJson()).addressed;
    nodeCount = nodes.length;
    const node = nodes.filter((n) => !n.name.endsWith('control-plane')).sort((a, b) => a.name.localeCompare(b.name)).at(-1)!;
    victim = node.name;
    victimAddress = node.address;
  });

  // The exclusion is judged at the smallest run certify accepts for this shape: power comes from sizing.
  const minimum = (): number => sizeRun({ nodes: nodeCount, endpoints: endpoints.length }).minimum;
  const cases: { name: string; fault: () => ProxyFault; failing: () => string[]; args?: () => string[]; failsFast?: boolean; tag?: string }[] = [
    { name: 'the node stops forwarding its NodePort', fault: () => ({ kind: 'no-forwarding' }), failing: () => [`forwarding/${victim}`] },
    // Acceptance of issue 7: a dead node is given up on, so the run ends soon after its first failure.
    { name: 'the node drops every NodePort connection: failed fast', fault: () => ({ kind: 'drop' }), failing: () => [`forwarding/${victim}`], failsFast: true, tag: EACH_MODE },
    {
      name: 'the node never sends to one endpoint, at the minimum run size',
      fault: () => ({ kind: 'exclude-endpoint', excluded: endpoints[0]!, endpoints }),
      failing: () => [`reach/${victim}/${endpoints[0]!.pod}`],
      args: () => ['--requests', String(minimum())],
      tag: EACH_MODE,
    },
    {
      name: "the node's spread is skewed 2:1:1",
      fault: () => ({ kind: 'skew', weights: endpoints.map((endpoint, i) => ({ endpoint, weight: i === 0 ? 2 : 1 })) }),
      failing: () => [`balance/${victim}`],
    },
  ];

  for (const c of cases) {
    test(c.name, { tag: c.tag ? [c.tag] : [] }, async ({ state, run, log, lab }) => {
      expect(endpoints.length, 'the lab runs 3 replicas').toBeGreaterThanOrEqual(3);
      const injector = new NodeFaultInjector(victim);
      const fault = c.fault();
      const reportDir = scratchDir('report');
      log.step(`breaking the proxy on ${victim}: it ${describeFault(fault)}`);
      await injector.inject(fault, APP_PORT);
      try {
        const result = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', run.namespace, '--client', 'host', '--report-dir', reportDir, ...(c.args?.() ?? [])]);
        expect(await injector.active(), 'kube-proxy did not repair the fault during the run').toBe(true);
        expect(result.code, result.stderr.split('\n').slice(-5).join('\n')).toBe(1);
        const report = readReportJson(reportDir);
        expect(report.verdict).toBe('fail');
        const failed = report.checks.filter((check) => check.status === 'fail');
        for (const id of c.failing()) expect(failed.map((f) => f.id), `report names ${id}`).toContain(id);
        // The pooled test sums every node, so the broken node's skew may show there too.
        const others = failed.filter((f) => f.node !== victim && f.id !== 'balance/pooled');
        expect(others.map((f) => `${f.id}: ${f.message}`), 'no other node is blamed').toEqual([]);
        if (c.failsFast) {
          // From the run's own records, so the machine's load around the traffic does not count:
          // the last request through the dead node starts within a minute of its first failure.
          const victimRecords = readRecords(reportDir).filter((r) => r.node === victim);
          const firstFailure = Math.min(...victimRecords.filter((r) => r.error !== null).map((r) => r.sentAt));
          const lastSent = Math.max(...victimRecords.map((r) => r.sentAt));
          log.info(`${victim}: given up ${((lastSent - firstFailure) / 1000).toFixed(1)} s after its first failure`);
          expect(lastSent - firstFailure, 'requests to the dead node stop within a minute of its first failure').toBeLessThanOrEqual(FAIL_FAST_WITHIN_MS);
          const { traffic } = measurementOf(report);
          const { planned, sent } = traffic[victim]!;
          expect(sent, `${victim} was given up on`).toBeLessThan(planned);
          for (const [node, tally] of Object.entries(traffic)) if (node !== victim) expect(tally.sent, `${node} is measured in full`).toBe(tally.planned);
        }
      } finally {
        await injector.clear();
      }
      // Each certify run re-applies the lab, which allocates a new nodePort.
      const port = (await JqRunner.load()).service(await lab.serviceJson()).nodePort!;
      const restored = await runBurst({ targets: [{ node: victim, address: victimAddress, port }], requestsPerNode: 60, concurrency: 8, timeoutMs: 5_000, sender: 'world1', giveUpAfter: GIVE_UP_AFTER });
      expect(restored.filter((r) => r.error !== null).map((r) => r.error), `${victim} forwards again once the fault is removed`).toEqual([]);
      expect(new Set(restored.map((r) => r.pod)).size).toBe(endpoints.length);
    });
  }
});
