import { Command } from 'commander';
import { KindClusterProvider, defaultKubeconfigPath, validateKindOptions } from '../cluster/kind-cluster-provider.js';
import { assertDockerReachable } from '../cluster/docker.js';
import { PROXY_MODES } from '../cluster/proxy-mode.js';
import { resolveKind } from '../tools/tool-resolver.js';
import { run } from '../util/exec.js';
import { DEFAULT_KIND_CONFIG } from '../cluster/kind-config.js';
import { Kubectl } from '../kube/kubectl.js';
import { resolveKubectl } from '../tools/tool-resolver.js';
import { proxylessNextSteps, readApiServerService } from '../cluster/proxyless-next-steps.js';
import { oneOf, parseArgs, positiveInt, runCli } from './cli-runner.js';

const program = new Command('cluster:up')
  .description('Boot the kind cluster described by kind-config.yaml and wait until it is ready')
  .option('--name <name>', 'cluster name', 'kpc')
  .option('--proxy-mode <mode>', `kube-proxy mode: ${PROXY_MODES.join(', ')}`, oneOf('proxy mode', PROXY_MODES), 'nftables')
  .option('--workers <n>', 'worker nodes (default: as in the kind config)', positiveInt('--workers'))
  .option('--config <file>', 'kind cluster config', DEFAULT_KIND_CONFIG)
  .option('--kubeconfig <file>', 'where to write the kubeconfig (default: .kube/<name>.kubeconfig)')
  .option('--reuse', 'attach to a cluster of that name if it exists, instead of refusing')
  .option('--export-kubeconfig', 'also merge the cluster into ~/.kube/config (never done unless asked)');
parseArgs(program);
const opts = program.opts<{ name: string; proxyMode: (typeof PROXY_MODES)[number]; workers?: number; config: string; kubeconfig?: string; reuse?: boolean; exportKubeconfig?: boolean }>();

await runCli('cluster:up', async ({ log, cleanup, signal }) => {
  validateKindOptions({ name: opts.name, proxyMode: opts.proxyMode, configFile: opts.config, workers: opts.workers });
  await assertDockerReachable(log);
  const kind = await resolveKind(log);
  const provider = new KindClusterProvider(
    {
      name: opts.name,
      proxyMode: opts.proxyMode,
      workers: opts.workers,
      configFile: opts.config,
      kubeconfig: opts.kubeconfig ?? defaultKubeconfigPath(opts.name),
      kind: kind.path,
      reuse: opts.reuse,
    },
    log,
  );
  await provider.preflight();
  cleanup.push(`delete kind cluster "${opts.name}"`, async () => {
    if (provider.createdHere) await provider.down();
  });
  const started = Date.now();
  const info = await provider.up(signal);
  cleanup.release();
  if (opts.exportKubeconfig) await run(kind.path, ['export', 'kubeconfig', '--name', opts.name]);
  log.step(`cluster "${info.name}" ready in ${((Date.now() - started) / 1000).toFixed(0)} s: Kubernetes ${info.kubernetesVersion}, proxy mode ${info.proxyMode}`);
  if (info.proxyMode === 'none') {
    const api = await readApiServerService(new Kubectl((await resolveKubectl(log)).path, info.kubeconfig));
    for (const line of proxylessNextSteps(info.kubeconfig, api)) log.info(line);
  }
  process.stdout.write(`${info.kubeconfig}\n`);
});
