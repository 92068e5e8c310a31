import net from 'node:net';
import { test, expect } from '../support/fixtures.js';
import { expectOneLineRefusal, outcomeLines, runCli, startCli } from '../support/cli.js';
import type { Kubectl } from '../../harness/kube/kubectl.js';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../harness/kube/bounds.js';
import { REAPER_NAME, RUN_LEASE } from '../../harness/kube/reaper-names.js';
import { namespaceMeta } from '../../harness/lab/namespace-guard.js';
import { reaperPollMs } from '../../harness/lab/reaper.js';
import { CLOCK_SKEW_MS, leaseStanding, type RunLeaseObject } from '../../harness/lab/run-lease.js';
import { runNamespaces } from '../../harness/run/run-namespaces.js';
import { notYet, waitFor } from '../../harness/util/wait.js';
import { scratchDir } from '../support/scratch.js';

/** Short, so the spec waits little; certify's default is 120 s. */
const EXPIRY_S = 20;
/**
 * From the kill until no NodePort answers: the reaper reaps at most its poll interval after the
 * expiry (it counts from the last renewal it saw, which was no later than the kill plus a poll),
 * and the proxy then removes the Service within upstream's programming bound.
 */
const CLOSED_WITHIN_MS = EXPIRY_S * 1000 + reaperPollMs(EXPIRY_S * 1000) + PROXY_PROGRAMMING_TIMEOUT_MS;

type PortState = 'open' | 'refused' | 'silent';

/** What one TCP connect to address:port meets within 2 s. */
function portState(address: string, port: number): Promise<PortState> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout: 2_000 });
    const end = (state: PortState) => {
      socket.destroy();
      resolve(state);
    };
    socket.once('connect', () => end('open'));
    socket.once('timeout', () => end('silent'));
    socket.once('error', () => end('refused'));
  });
}

/** Every node address and NodePort the run's Services opened. */
async function openedNodePorts(kubectl: Kubectl, namespaces: readonly string[]): Promise<{ address: string; port: number }[]> {
  const nodes = await kubectl.json<{ items: { status: { addresses: { type: string; address: string }[] } }[] }>(['get', 'nodes']);
  const addresses = nodes.items.map((n) => n.status.addresses.find((a) => a.type === 'InternalIP')!.address);
  const ports: number[] = [];
  for (const namespace of namespaces) {
    const services = await kubectl.jsonIfAny<{ items: { spec: { ports?: { nodePort?: number }[] } }[] }>(['get', 'services'], { namespace });
    for (const s of services?.items ?? []) for (const p of s.spec.ports ?? []) if (p.nodePort) ports.push(p.nodePort);
  }
  return addresses.flatMap((address) => ports.map((port) => ({ address, port })));
}

/**
 * Issue 32: a certify run killed outright (SIGKILL to it and its children, as a lost CI runner)
 * leaves no NodePort open for longer than --expire-after and the reaper's reaction; when its
 * reaper never ran, the next run removes what it left. On the shared cluster, with certify's
 * ClusterIP feature beside the lab, so that a feature's own namespace is reaped too.
 */
test.describe('a certify run killed during its traffic', () => {
  test.describe.configure({ mode: 'serial' });
  const namespace = 'kpc-killed';
  const features = ['NodePort', 'ClusterIP'];
  const namespaces = runNamespaces({ namespace, features });

  /** Starts certify, waits for its reaper and its NodePort traffic, checks the NodePorts answer, and kills it. */
  async function killDuringTraffic(kubeconfig: string, kubectl: Kubectl): Promise<{ killedAt: number; opened: { address: string; port: number }[] }> {
    const args = ['--kubeconfig', kubeconfig, '--namespace', namespace, '--features', features.join(','), '--expire-after', String(EXPIRY_S), '--client', 'host', '--report-dir', scratchDir('killed')];
    const certify = startCli('certify', args, {}, { detached: true });
    await waitFor(async () => (/reaper \S+ running on/.test(certify.output()) && /NodePort 7\. POST/.test(certify.output()) ? true : notYet(certify.output().trim().split('\n').at(-1) ?? 'no output')), {
      what: "certify's reaper to run and its NodePort traffic to start",
      timeoutMs: 240_000,
      intervalMs: 100,
    });
    const opened = await openedNodePorts(kubectl, namespaces);
    expect(opened.length, 'NodePorts the run opened').toBeGreaterThan(0);
    // The probe can tell an open port: each answers once the proxy has programmed it (certify's step 7 waits for that too).
    await waitFor(async () => ((await Promise.all(opened.map((o) => portState(o.address, o.port)))).every((s) => s === 'open') ? true : notYet('a NodePort does not answer yet')), {
      what: 'every NodePort of the run to answer',
      timeoutMs: PROXY_PROGRAMMING_TIMEOUT_MS,
      intervalMs: 250,
    });
    process.kill(-certify.child.pid!, 'SIGKILL');
    const killedAt = Date.now();
    expect((await certify.done).code).toBeNull();
    return { killedAt, opened };
  }

  test.afterAll(async ({ kubectl }) => {
    for (const ns of namespaces) await kubectl.run(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], { check: false });
  });

  test('its reaper deletes its namespaces, and every NodePort it opened closes, within --expire-after and the reaper\'s and the proxy\'s reaction', async ({ state, kubectl }) => {
    const { killedAt, opened } = await killDuringTraffic(state.info.kubeconfig, kubectl);
    await waitFor(async () => ((await Promise.all(opened.map((o) => portState(o.address, o.port)))).every((s) => s !== 'open') ? true : notYet('a NodePort still answers')), {
      what: 'every NodePort of the killed run to close',
      timeoutMs: CLOSED_WITHIN_MS,
      intervalMs: 250,
    });
    const closedAfterS = (Date.now() - killedAt) / 1000;
    await waitFor(async () => {
      const left = (await Promise.all(namespaces.map(async (ns) => ((await namespaceMeta(kubectl, ns)) ? ns : '')))).filter(Boolean);
      return left.length === 0 ? true : notYet(`${left.join(', ')} still there`);
    }, { what: "the killed run's namespaces to be gone", timeoutMs: 120_000 });
    const goneAfterS = (Date.now() - killedAt) / 1000;
    test.info().annotations.push({ type: 'exposure', description: `NodePorts closed ${closedAfterS.toFixed(1)} s and namespaces gone ${goneAfterS.toFixed(1)} s after the kill (--expire-after ${EXPIRY_S})` });
    // Not before the expiry (less the renewal period): the reaper waited for the Lease, not less.
    expect(closedAfterS).toBeGreaterThan(EXPIRY_S - EXPIRY_S / 3);
  });

  test('with its reaper gone too, a run in its namespace is refused while its Lease is live, and after the expiry removes what it left', async ({ state, kubectl }) => {
    await killDuringTraffic(state.info.kubeconfig, kubectl);
    await kubectl.run(['delete', 'pods', '-l', `app=${REAPER_NAME}`, '--grace-period=0', '--force'], { namespace });
    const again = ['--kubeconfig', state.info.kubeconfig, '--namespace', namespace, '--expire-after', String(EXPIRY_S), '--client', 'host', '--report-dir', scratchDir('after-kill')];
    expectOneLineRefusal(await runCli('certify', again), /namespace "kpc-killed" is in use by another certify run \(run \S+: its Lease was renewed \d+ s ago\)/);
    await waitFor(async () => {
      const lease = await kubectl.jsonIfAny<RunLeaseObject>(['get', 'lease', RUN_LEASE], { namespace });
      return lease && leaseStanding(lease, Date.now()).live ? notYet('the Lease is live') : true;
    }, { what: "the killed run's Lease to expire by this host's clock", timeoutMs: EXPIRY_S * 1000 + CLOCK_SKEW_MS + 30_000 });
    const next = await runCli('certify', again);
    expect(next.code, outcomeLines(next.stderr)).toBe(0);
    expect(next.stderr).toMatch(/stopped renewing its Lease \d+ s ago \(expiry 20 s\): removing what it left/);
    expect(next.stderr).toMatch(/deleting namespace kpc-killed-cluster-ip, left by a killed run/);
    expect(next.stderr).toMatch(/deleting namespace kpc-killed, left by a killed run/);
    for (const ns of namespaces) {
      const meta = await namespaceMeta(kubectl, ns);
      expect(meta === undefined || meta.deletionTimestamp !== undefined, `${ns} gone or going after the next run`).toBe(true);
    }
  });
});
