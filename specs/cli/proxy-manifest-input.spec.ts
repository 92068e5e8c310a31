import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { nodeContainers } from '../../harness/cluster/docker.js';
import { expectOneLineRefusal, runCli } from '../support/cli.js';
import { specScratch } from '../support/scratch.js';

/** --proxy-manifest input that is refused before anything is made: exit 2, one line, nothing left. */
const inputs = new Map<string, string>();
const scratch = specScratch('proxy-manifest-input', () => {
  for (const [f, text] of inputs) {
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
  }
});
const reportDir = path.join(scratch, 'reports');
/** The path of an input file, written before the first test. */
const file = (name: string, text: string) => {
  const f = path.join(scratch, name);
  inputs.set(f, text);
  return f;
};
const NAME = 'kpc-byo-refused';

const cases: { name: string; args: string[]; says: RegExp }[] = [
  { name: 'a file that is not a Kubernetes manifest', args: ['--proxy-manifest', file('package.json', '{"name": "my-proxy", "version": "1.0.0"}')], says: /package\.json, document 1, is not a Kubernetes manifest \(no apiVersion and kind\)/ },
  { name: 'a README passed as the manifest', args: ['--proxy-manifest', file('README.md', '# My proxy\n\nInstall it with helm.\n')], says: /README\.md, document 1, is not a Kubernetes manifest/ },
  { name: 'manifests without a DaemonSet', args: ['--proxy-manifest', file('only-config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n')], says: /contains no DaemonSet \(found ConfigMap\/cfg\)/ },
  { name: 'a directory of variants', args: ['--proxy-manifest', path.dirname(path.dirname(file('variants/a/x.yaml', '')))], says: /holds no \.yaml, \.yml or \.json files \(only the directories a\/\)/ },
  { name: 'a path that does not exist', args: ['--proxy-manifest', path.join(scratch, 'nope')], says: /proxy manifest .*nope does not exist/ },
  { name: 'with --kubeconfig', args: ['--proxy-manifest', 'examples/kube-proxy-v1.33/nftables', '--kubeconfig', file('k.kubeconfig', '')], says: /--proxy-manifest installs the proxy on a cluster the harness boots/ },
  { name: 'with a kube-proxy mode', args: ['--proxy-manifest', 'examples/kube-proxy-v1.33/nftables', '--proxy-mode', 'iptables'], says: /--proxy-manifest boots the cluster with no kube-proxy, not in mode iptables/ },
];

for (const c of cases) {
  test(`--proxy-manifest refused: ${c.name}`, async () => {
    const result = await runCli('certify', [...c.args, '--name', NAME, '--report-dir', reportDir]);
    expectOneLineRefusal(result, c.says);
    expect(existsSync(reportDir), 'no report directory left behind').toBe(false);
    expect(await nodeContainers(NAME), 'no kind nodes left behind').toEqual([]);
  });
}
