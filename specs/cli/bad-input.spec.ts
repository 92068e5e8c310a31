import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { run } from '../../harness/util/exec.js';
import { expectOneLineRefusal, runCli, type CliName } from '../support/cli.js';
import { specScratch } from '../support/scratch.js';

/** Every bad input: exit 2, one line that names the problem and the fix, nothing left behind. */
const scratch = specScratch('bad-input', () => {
  writeFileSync(aFile, 'not a directory');
  writeFileSync(
    deadApiServer,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'dead', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'dead', user: { token: 'x' } }],
      contexts: [{ name: 'dead', context: { cluster: 'dead', user: 'dead' } }],
      'current-context': 'dead',
    }),
  );
});
const reportDir = path.join(scratch, 'reports');
const aFile = path.join(scratch, 'a-file');
const deadApiServer = path.join(scratch, 'dead.kubeconfig');

const cases: { name: string; command?: CliName; args: string[]; env?: NodeJS.ProcessEnv; says: RegExp }[] = [
  { name: 'unknown proxy mode', args: ['--proxy-mode', 'userspace'], says: /unknown proxy mode "userspace".*iptables, nftables, ipvs, none/ },
  { name: '--requests 0', args: ['--requests', '0'], says: /--requests must be a whole number >= 1/ },
  { name: '--requests below the minimum for the shape', args: ['--requests', '20'], says: /--requests 20 is below the minimum of 964 per node for 3 nodes and 3 endpoints: pass --requests 964 or more/ },
  { name: '--replicas 0', args: ['--replicas', '0'], says: /--replicas must be a whole number >= 1/ },
  { name: '--requests not a number', args: ['--requests', 'many'], says: /--requests must be a whole number/ },
  { name: '--workers 0', args: ['--workers', '0'], says: /--workers must be a whole number >= 1/ },
  { name: 'unknown client', args: ['--client', 'browser'], says: /unknown client "browser".*host, container, auto/ },
  { name: 'unknown option', args: ['--frobnicate'], says: /unknown option '--frobnicate'/ },
  { name: 'missing kubeconfig file', args: ['--kubeconfig', path.join(scratch, 'nope.kubeconfig')], says: /kubeconfig .*nope\.kubeconfig does not exist or is not readable/ },
  { name: 'kubeconfig whose API server is down', args: ['--kubeconfig', deadApiServer], says: /the API server in .*dead\.kubeconfig does not answer/ },
  { name: '--workers with --kubeconfig', args: ['--kubeconfig', deadApiServer, '--workers', '3'], says: /--workers applies only to a cluster the harness boots/ },
  { name: 'invalid namespace', args: ['--namespace', 'Not_A_Label'], says: /invalid namespace "Not_A_Label"/ },
  { name: 'report dir is a file', args: ['--report-dir', path.join(aFile, 'reports')], says: /cannot use report directory/ },
  { name: 'unreadable kind config', args: ['--config', path.join(scratch, 'missing.yaml')], says: /cannot read kind config .*missing\.yaml/ },
  { name: 'kind config that is not a kind Cluster', args: ['--config', aFile], says: /is not a kind Cluster config/ },
  { name: 'ipvs on a kernel without IP_VS', args: ['--proxy-mode', 'ipvs'], says: /ipvs needs IP_VS, which the host kernel lacks/ },
  { name: 'Docker not reachable', args: [], env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, says: /Docker is not reachable at unix:\/\/\/nonexistent\/docker\.sock/ },
  { name: 'invalid cluster name', args: ['--name', 'Bad_Name'], says: /invalid cluster name "Bad_Name"/ },
  { name: 'cluster:up: unknown proxy mode', command: 'cluster-up', args: ['--proxy-mode', 'userspace'], says: /unknown proxy mode/ },
  { name: 'cluster:up: ipvs', command: 'cluster-up', args: ['--proxy-mode', 'ipvs'], says: /ipvs needs IP_VS/ },
  { name: 'upstream: no --kubeconfig', command: 'upstream', args: [], says: /required option '--kubeconfig <file>' not specified/ },
  { name: 'upstream: missing kubeconfig file', command: 'upstream', args: ['--kubeconfig', path.join(scratch, 'nope.kubeconfig')], says: /kubeconfig .*nope\.kubeconfig does not exist or is not readable/ },
  { name: 'upstream: kubeconfig whose API server is down', command: 'upstream', args: ['--kubeconfig', deadApiServer], says: /the API server in .*dead\.kubeconfig does not answer/ },
  { name: 'certify:matrix: unknown implementation', command: 'matrix', args: ['kube-proxy:userspace'], says: /unknown implementation "kube-proxy:userspace"/ },
  { name: 'certify:matrix: neither an implementation nor a path', command: 'matrix', args: ['kube-proxy:nftables', path.join(scratch, 'no-such-manifests')], says: /"[^"]*no-such-manifests" is neither kube-proxy:<mode> nor an existing file or directory/ },
  { name: 'certify:matrix: nothing this host can test', command: 'matrix', args: ['kube-proxy:ipvs'], says: /no implementation in the matrix can be tested on this host \(kube-proxy:ipvs: .*IP_VS/ },
];

/** What a run of this harness could leave: kind node containers, traffic clients, kpc-* networks. */
async function dockerObjects(): Promise<string> {
  const lists = await Promise.all([
    run('docker', ['ps', '-aq', '--filter', 'label=io.x-k8s.kind.cluster'], { check: false }),
    run('docker', ['ps', '-aq', '--filter', 'label=io.kube-proxy-conformance/role'], { check: false }),
    run('docker', ['network', 'ls', '-q', '--filter', 'name=kpc-'], { check: false }),
  ]);
  return lists.map((l) => l.stdout.split('\n').sort().join(',')).join('|');
}

for (const c of cases) {
  test(`bad input: ${c.name}`, async () => {
    const before = await dockerObjects();
    const command = c.command ?? 'certify';
    const withReportDir = (command === 'certify' || command === 'matrix' || command === 'upstream') && !c.args.includes('--report-dir') ? ['--report-dir', reportDir] : [];
    const result = await runCli(command, [...c.args, ...withReportDir], c.env);
    expectOneLineRefusal(result, c.says);
    expect(existsSync(reportDir), 'no report directory left behind').toBe(false);
    expect(await dockerObjects(), 'no kind nodes, traffic clients or kpc-* networks left behind').toBe(before);
  });
}
