import { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { KindClusterProvider, assertClusterName, defaultKubeconfigPath } from '../cluster/kind-cluster-provider.js';
import { readKubeconfig } from '../kube/kubeconfig-file.js';
import { assertDockerReachable, nodeContainers } from '../cluster/docker.js';
import { resolveKind } from '../tools/tool-resolver.js';
import { commandName } from './command-name.js';
import { parseArgs, pathArg, runCli } from './cli-runner.js';

const program = new Command(commandName('cluster down'))
  .description("Delete a kind cluster made by cluster up, its Docker network and its kubeconfig file (a kubeconfig that holds other clusters too keeps them: only this cluster's entries go)")
  .option('--name <name>', 'cluster name', 'kpc')
  .option('--kubeconfig <file>', 'the kubeconfig cluster up wrote (default: .kube/<name>.kubeconfig)', pathArg('--kubeconfig'));
parseArgs(program);
const opts = program.opts<{ name: string; kubeconfig?: string }>();

await runCli('cluster:down', async ({ log }) => {
  assertClusterName(opts.name);
  const kubeconfig = path.resolve(opts.kubeconfig ?? defaultKubeconfigPath(opts.name));
  // Refused before anything is deleted: a file that is not a kubeconfig is not one cluster up wrote.
  if (existsSync(kubeconfig)) readKubeconfig(kubeconfig);
  await assertDockerReachable(log);
  const kind = await resolveKind(log);
  const provider = new KindClusterProvider(
    { name: opts.name, proxyMode: 'none', configFile: '', kubeconfig, kind: kind.path },
    log,
  );
  const nodes = await nodeContainers(opts.name);
  log.step(nodes.length > 0 ? `deleting kind cluster "${opts.name}" (${nodes.length} nodes)` : `no kind cluster named "${opts.name}"; removing what is left of it`);
  await provider.down();
  log.step('done');
});
