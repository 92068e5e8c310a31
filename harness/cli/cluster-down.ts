import { Command } from 'commander';
import { KindClusterProvider, defaultKubeconfigPath } from '../cluster/kind-cluster-provider.js';
import { assertDockerReachable, nodeContainers } from '../cluster/docker.js';
import { resolveKind } from '../tools/tool-resolver.js';
import { parseArgs, runCli } from './cli-runner.js';

const program = new Command('cluster:down')
  .description('Delete a kind cluster made by cluster:up, its Docker network and its kubeconfig file')
  .option('--name <name>', 'cluster name', 'kpc')
  .option('--kubeconfig <file>', 'the kubeconfig cluster:up wrote (default: .kube/<name>.kubeconfig)');
parseArgs(program);
const opts = program.opts<{ name: string; kubeconfig?: string }>();

await runCli('cluster:down', async ({ log }) => {
  await assertDockerReachable(log);
  const kind = await resolveKind(log);
  const provider = new KindClusterProvider(
    { name: opts.name, proxyMode: 'none', configFile: '', kubeconfig: opts.kubeconfig ?? defaultKubeconfigPath(opts.name), kind: kind.path },
    log,
  );
  const nodes = await nodeContainers(opts.name);
  log.step(nodes.length > 0 ? `deleting kind cluster "${opts.name}" (${nodes.length} nodes)` : `no kind cluster named "${opts.name}"; removing what is left of it`);
  await provider.down();
  log.step('done');
});
