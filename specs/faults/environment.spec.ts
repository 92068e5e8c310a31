import { test, expect } from '../support/fixtures.js';
import { startCli } from '../support/cli.js';
import { readReportJson } from '../../harness/report/report-reader.js';
import { APP_SELECTOR } from '../../harness/lab/helloworld-lab.js';
import { notYet, waitFor } from '../../harness/util/wait.js';
import { scratchDir } from '../support/scratch.js';
import { EACH_MODE } from '../support/tags.js';

/**
 * A fault of the cluster around the proxy is not a proxy fault: an app pod deleted while traffic
 * runs ends certify with exit 2 naming that pod, never with a proxy failure (exit 1).
 */
test.describe('environment faults are told apart from proxy faults', { tag: EACH_MODE }, () => {
  test('an app pod deleted while the traffic runs: exit 2 naming the pod', async ({ state, kubectl, log }) => {
    const namespace = 'kpc-environment';
    const reportDir = scratchDir('report');
    // Far more requests than the wait below needs, so the deletion lands inside the traffic phase.
    const certify = startCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', namespace, '--client', 'host', '--requests', '30000', '--report-dir', reportDir]);
    try {
      await waitFor(async () => (certify.output().includes('sending 30000 requests') ? true : notYet(certify.output().split('\n').slice(-2).join(' '))), {
        what: 'certify to start sending traffic',
        timeoutMs: 180_000,
        intervalMs: 250,
      });
      const pods = await kubectl.json<{ items: { metadata: { name: string } }[] }>(['get', 'pods', '-l', APP_SELECTOR], { namespace });
      const victim = pods.items[0]!.metadata.name;
      log.step(`deleting pod ${victim} while certify sends traffic`);
      await kubectl.run(['delete', 'pod', victim, '--wait=false'], { namespace });
      const result = await certify.done;
      expect(result.code, result.stderr.split('\n').slice(-5).join('\n')).toBe(2);
      const lastLine = result.stderr.trim().split('\n').pop()!;
      expect(lastLine).toMatch(/^error: .*the cluster changed while traffic was sent: .*pod .* (was deleted|is being deleted).*not a proxy fault/);
      expect(lastLine).toContain(victim);
      const report = readReportJson(reportDir);
      expect(report.verdict).toBe('error');
    } finally {
      certify.child.kill('SIGINT');
      await certify.done;
      await kubectl.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false'], { check: false });
    }
  });
});
