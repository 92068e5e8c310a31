import { test, expect } from '../support/fixtures.js';
import { runCli } from '../support/cli.js';
import type { Kubectl } from '../../harness/kube/kubectl.js';
import { LAB_FIRST_NODE_EXTERNAL_IP, LAB_NODE_PORT } from '../../harness/queries/jq-programs.js';
import { LAB_NODEPORT_PATCH } from '../../harness/lab/helloworld-lab.js';
import { run } from '../../harness/util/exec.js';
import { waitFor } from '../../harness/util/wait.js';
import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../harness/kube/bounds.js';
import { scratchDir } from '../support/scratch.js';

/**
 * The lab's own commands, typed as the lab prints them, against what `certify --keep` left
 * behind: kubectl patch, the two jq pipelines (with the jq program, not jq-wasm) and the curl
 * with two Content-Type headers.
 */
test.describe("the lab's literal commands", () => {
  test('after certify --keep: kubectl patch, both jq queries and the curl work as printed', async ({ kubectl, state }) => {
    const ns = 'kpc-kept';
    const reportDir = scratchDir('report');
    try {
      const certify = await runCli('certify', ['--kubeconfig', state.info.kubeconfig, '--namespace', ns, '--keep', '--client', 'host', '--report-dir', reportDir]);
      expect(certify.code, certify.stderr.split('\n').slice(-5).join('\n')).toBe(0);
      expect(await kubectl.text(['get', 'svc', 'helloworld', '-n', ns, '-o', 'jsonpath={.spec.type}']), 'what --keep left').toBe('NodePort');
      await literalCommands(kubectl, ns);
    } finally {
      await kubectl.run(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], { check: false });
    }
  });
});

async function literalCommands(kubectl: Kubectl, ns: string): Promise<void> {
  await kubectl.run(['patch', 'svc', 'helloworld', '-p', LAB_NODEPORT_PATCH, '-n', ns]);

  const nodesJson = await kubectl.text(['get', 'nodes', '-o', 'json']);
  const externalIp = (await run('jq', ['-r', LAB_FIRST_NODE_EXTERNAL_IP], { input: nodesJson })).stdout.trim();
  const serviceJson = await kubectl.text(['get', 'svc', 'helloworld', '-n', ns, '--output', 'json']);
  const nodePort = (await run('jq', ['-r', LAB_NODE_PORT], { input: serviceJson })).stdout.trim();
  expect(nodePort).toMatch(/^3[0-2]\d{3}$/);

  // kind nodes have no ExternalIP: the lab's query prints nothing there, so the InternalIP stands in
  // (the first: a dual-stack node has an IPv4 and an IPv6 one, IPv4 first).
  const internalIp = (await run('jq', ['-r', '.items[0].status.addresses | .[] | select( .type=="InternalIP" ) | .address '], { input: nodesJson })).stdout.trim().split('\n')[0]!;
  const publicIp = externalIp || internalIp;
  if (!externalIp) test.info().annotations.push({ type: 'note', description: `no ExternalIP on kind nodes; used InternalIP ${internalIp}` });

  const curl = () =>
    run('curl', [
      '-sS', '-L', '-X', 'POST', `http://${publicIp}:${nodePort}/api/messages`,
      '-H', 'Content-Type: application/json', '-H', 'Content-Type: text/plain',
      '-d', '{ "sender": "world1" }',
    ]);
  // Waits in case the proxy is still programming the port.
  const reply = await waitFor(async () => JSON.parse((await curl()).stdout) as Record<string, unknown>, {
    what: `the lab's curl to ${publicIp}:${nodePort} to be answered`,
    timeoutMs: PROXY_PROGRAMMING_TIMEOUT_MS,
    intervalMs: 500,
  });
  expect(reply).toMatchObject({ sender: 'world1', message: 'Hello world1 (direct)' });
  expect(reply.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(typeof reply.host).toBe('string');
}
