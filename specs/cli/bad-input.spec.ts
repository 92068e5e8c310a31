import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { readKubeconfig } from '../../harness/kube/kubeconfig-file.js';
import { featureById, featureFamilyAlpha, PROFILES } from '../../harness/features/registry.js';
import { sizeRun } from '../../harness/stats/sizing.js';
import { run } from '../../harness/util/exec.js';
import { REPO_ROOT } from '../../harness/util/repo-root.js';
import { expectOneLineRefusal, runCli, type CliName } from '../support/cli.js';
import { specScratch } from '../support/scratch.js';

/** `--profile all` on the default shape: its measuring features, and the requests per node they need together (from the registry). */
const ALL_MEASURING = PROFILES.all.filter((id) => featureById(id).statistical).length;
const ALL_MINIMUM = sizeRun({ nodes: 3, endpoints: 3 }, { familyAlpha: featureFamilyAlpha(PROFILES.all) }).minimum;

/** Every bad input: exit 2, one line that names the problem and the fix, nothing left behind. */
const scratch = specScratch('bad-input', () => {
  writeFileSync(aFile, 'not a directory');
  writeFileSync(notYaml, 'clusters: [unclosed');
  writeFileSync(notKubeconfig, 'apiVersion: v1\nkind: ConfigMap\n');
  writeFileSync(
    sharedKubeconfig,
    JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'other', cluster: { server: 'https://127.0.0.1:1' } }], users: [{ name: 'other', user: {} }], contexts: [{ name: 'other', context: { cluster: 'other', user: 'other' } }], 'current-context': 'other' }),
  );
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
const notYaml = path.join(scratch, 'not-yaml.kubeconfig');
const notKubeconfig = path.join(scratch, 'configmap.yaml');
/** A kubeconfig of another cluster, as ~/.kube/config would be: cluster down must not remove it. */
const sharedKubeconfig = path.join(scratch, 'shared.kubeconfig');

const cases: { name: string; command?: CliName; args: string[]; env?: NodeJS.ProcessEnv; says: RegExp }[] = [
  { name: 'unknown proxy mode', args: ['--proxy-mode', 'userspace'], says: /unknown proxy mode "userspace".*iptables, nftables, ipvs, none/ },
  { name: '--requests 0', args: ['--requests', '0'], says: /--requests must be a whole number >= 1/ },
  { name: '--requests below the minimum for the shape', args: ['--requests', '20'], says: /--requests 20 is below the minimum of 964 per node for 3 nodes and 3 endpoints: pass --requests 964 or more/ },
  { name: '--replicas 0', args: ['--replicas', '0'], says: /--replicas must be a whole number >= 1/ },
  { name: '--requests not a number', args: ['--requests', 'many'], says: /--requests must be a whole number/ },
  { name: '--workers 0', args: ['--workers', '0'], says: /--workers must be a whole number >= 1/ },
  { name: 'unknown client', args: ['--client', 'browser'], says: /unknown client "browser".*host, container, pods, auto/ },
  { name: 'unknown option', args: ['--frobnicate'], says: /unknown option '--frobnicate'/ },
  { name: 'an argument where only options go', args: ['nftables'], says: /unexpected argument "nftables" \(this command takes options only\)/ },
  { name: 'missing kubeconfig file', args: ['--kubeconfig', path.join(scratch, 'nope.kubeconfig')], says: /kubeconfig .*nope\.kubeconfig does not exist or is not readable/ },
  { name: 'kubeconfig whose API server is down', args: ['--kubeconfig', deadApiServer], says: /the API server in .*dead\.kubeconfig does not answer/ },
  { name: '--workers with --kubeconfig', args: ['--kubeconfig', deadApiServer, '--workers', '3'], says: /--workers applies only to a cluster the harness boots/ },
  { name: '--ip-family ipv6', args: ['--ip-family', 'ipv6'], says: /ipv6.*ipv4, dual/ },
  { name: '--ip-family with --kubeconfig', args: ['--kubeconfig', deadApiServer, '--ip-family', 'dual'], says: /--ip-family applies only to a cluster the harness boots/ },
  { name: '--expire-after too short to renew in time', args: ['--expire-after', '5'], says: /--expire-after 5: a run would risk being reaped while it runs: pass at least 15 seconds/ },
  { name: 'invalid namespace', args: ['--namespace', 'Not_A_Label'], says: /invalid namespace "Not_A_Label"/ },
  { name: 'a namespace too long for the features\' namespaces beside it', args: ['--namespace', 'n'.repeat(60)], says: /namespace "n{60}" is too long: .*use a --namespace of at most \d+ characters/ },
  { name: 'report dir is a file', args: ['--report-dir', path.join(aFile, 'reports')], says: /cannot use report directory/ },
  { name: 'unreadable kind config', args: ['--config', path.join(scratch, 'missing.yaml')], says: /cannot read kind config .*missing\.yaml/ },
  { name: 'kind config that is not a kind Cluster', args: ['--config', aFile], says: /is not a kind Cluster config/ },
  { name: 'ipvs on a kernel without IP_VS', args: ['--proxy-mode', 'ipvs'], says: /ipvs needs IP_VS, which the host kernel lacks/ },
  { name: 'Docker not reachable', args: [], env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, says: /Docker is not reachable at unix:\/\/\/nonexistent\/docker\.sock/ },
  { name: 'invalid cluster name', args: ['--name', 'Bad_Name'], says: /invalid cluster name "Bad_Name"/ },
  { name: 'empty --kubeconfig (an unset variable)', args: ['--kubeconfig', ''], says: /--kubeconfig needs a path, got an empty string/ },
  { name: 'empty --proxy-manifest', args: ['--proxy-manifest', ''], says: /--proxy-manifest needs a path, got an empty string/ },
  { name: 'kubeconfig that is a directory', args: ['--kubeconfig', scratch], says: /kubeconfig .* is not a file/ },
  { name: 'kubeconfig that is not YAML', args: ['--kubeconfig', notYaml], says: /kubeconfig .*not-yaml\.kubeconfig is not YAML/ },
  { name: 'kubeconfig that is YAML but no kubeconfig', args: ['--kubeconfig', notKubeconfig], says: /configmap\.yaml is not a kubeconfig \(it names no cluster\)/ },
  { name: 'report dir where nothing can be made (/proc)', args: ['--report-dir', '/proc/kpc-report'], says: /cannot use report directory \/proc\/kpc-report/ },
  { name: '--workers more than the host could ever hold', args: ['--workers', '10000'], says: /--workers 10000 makes at least 10001 nodes, but this host has \d+ MiB of memory in all.*pass --workers \d+ or fewer/ },
  { name: '--requests beyond any count', args: ['--requests', '99999999999999999999'], says: /--requests 99999999999999999999 is too large/ },
  { name: '--replicas no run could measure', args: ['--replicas', '100000'], says: /100000 endpoints on 3 nodes cannot be measured.*pass fewer --replicas/ },
  { name: '--requests below the minimum of the profile (its features share the family alpha)', args: ['--profile', 'all', '--requests', '1000'], says: new RegExp(`--requests 1000 is below the minimum of ${ALL_MINIMUM} per node for 3 nodes and 3 endpoints \\(the run's ${ALL_MEASURING} measuring features share its false-alarm rate.*pass --requests ${ALL_MINIMUM} or more`) },
  { name: '--features with --profile', args: ['--features', 'NodePort', '--profile', 'core'], says: /--features names the features to claim instead of a profile: pass --features or --profile, not both/ },
  { name: '--address-type ExternalIP on a kind cluster', args: ['--address-type', 'ExternalIP'], says: /the nodes of a kind cluster have no ExternalIP/ },
  { name: 'cluster:down: invalid cluster name', command: 'cluster-down', args: ['--name', '../x'], says: /invalid cluster name "\.\.\/x"/ },
  { name: 'cluster:down: a --kubeconfig that is no kubeconfig (never deleted)', command: 'cluster-down', args: ['--name', 'kpc-nope', '--kubeconfig', aFile], says: /a-file is not a kubeconfig/ },
  { name: 'cluster:up: --kubeconfig that is a directory', command: 'cluster-up', args: ['--kubeconfig', scratch], says: /--kubeconfig .* is not a file/ },
  { name: 'cluster:up: unknown proxy mode', command: 'cluster-up', args: ['--proxy-mode', 'userspace'], says: /unknown proxy mode/ },
  { name: 'cluster:up: ipvs', command: 'cluster-up', args: ['--proxy-mode', 'ipvs'], says: /ipvs needs IP_VS/ },
  { name: 'upstream: no --kubeconfig', command: 'upstream', args: [], says: /required option '--kubeconfig <file>' not specified/ },
  { name: 'upstream: missing kubeconfig file', command: 'upstream', args: ['--kubeconfig', path.join(scratch, 'nope.kubeconfig')], says: /kubeconfig .*nope\.kubeconfig does not exist or is not readable/ },
  { name: 'upstream: kubeconfig whose API server is down', command: 'upstream', args: ['--kubeconfig', deadApiServer], says: /the API server in .*dead\.kubeconfig does not answer/ },
  { name: 'certify:matrix: unknown implementation', command: 'matrix', args: ['kube-proxy:userspace'], says: /unknown implementation "kube-proxy:userspace"/ },
  { name: 'certify:matrix: neither an implementation nor a path', command: 'matrix', args: ['kube-proxy:nftables', path.join(scratch, 'no-such-manifests')], says: /"[^"]*no-such-manifests" is neither kube-proxy:<mode> nor an existing file or directory/ },
  { name: 'certify:matrix: a file that is not proxy manifests, before any cluster', command: 'matrix', args: ['kube-proxy:nftables', notKubeconfig], says: /configmap\.yaml/ },
  { name: 'certify:matrix: report dir is a file', command: 'matrix', args: ['kube-proxy:nftables', '--report-dir', path.join(aFile, 'matrix')], says: /cannot use report directory/ },
  { name: 'upstream: kubeconfig that is a directory', command: 'upstream', args: ['--kubeconfig', scratch], says: /kubeconfig .* is not a file/ },
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

test('cluster down --kubeconfig naming a file that holds other clusters: exit 0, the file and its other contexts kept', async () => {
  const result = await runCli('cluster-down', ['--name', 'kpc-nope', '--kubeconfig', sharedKubeconfig]);
  expect(result.code, result.stderr).toBe(0);
  expect(readKubeconfig(sharedKubeconfig).contexts.map((c) => c.name)).toEqual(['other']);
});

test('"cluster" alone names its commands (exit 2); "cluster --help" lists them (exit 0)', async () => {
  const bin = path.join(REPO_ROOT, 'bin/kube-proxy-conformance.mjs');
  const alone = await run(process.execPath, [bin, 'cluster'], { check: false });
  expect(alone.exitCode).toBe(2);
  expect(alone.stderr.trim()).toBe('error: "cluster" is not a command: use "kube-proxy-conformance cluster up" or "kube-proxy-conformance cluster down" (each takes --help)');
  const help = await run(process.execPath, [bin, 'cluster', '--help'], { check: false });
  expect(help.exitCode).toBe(0);
  expect(help.stdout).toMatch(/^kube-proxy-conformance cluster up +boot a kind cluster/m);
  expect(help.stdout).toMatch(/^kube-proxy-conformance cluster down +delete a kind cluster/m);
});
