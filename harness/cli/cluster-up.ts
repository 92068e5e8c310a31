import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../util/errors.js';
import { KindClusterProvider, defaultKubeconfigPath, validateKindOptions } from '../cluster/kind-cluster-provider.js';
import { assertDockerReachable } from '../cluster/docker.js';
import { releaseLease } from '../cluster/cluster-lease.js';
import { PROXY_MODES } from '../cluster/proxy-mode.js';
import { resolveKind } from '../tools/tool-resolver.js';
import { run } from '../util/exec.js';
import { DEFAULT_KIND_CONFIG, IP_FAMILIES, type IpFamilyOption } from '../cluster/kind-config.js';
import { Kubectl } from '../kube/kubectl.js';
import { resolveKubectl } from '../tools/tool-resolver.js';
import { proxylessNextSteps, readApiServerService } from '../cluster/proxyless-next-steps.js';
import { oneOf, parseArgs, pathArg, positiveInt, runCli } from './cli-runner.js';
import { commandName } from './command-name.js';
import { ensureWritableDir } from './certify-options.js';

const program = new Command(commandName('cluster up'))
  .description('Boot the kind cluster described by kind-config.yaml and wait until it is ready')
  .option('--name <name>', 'cluster name', 'kpc')
  .option('--proxy-mode <mode>', `kube-proxy mode: ${PROXY_MODES.join(', ')}`, oneOf('proxy mode', PROXY_MODES), 'nftables')
  .option('--workers <n>', 'worker nodes (default: as in the kind config)', positiveInt('--workers'))
  .option('--ip-family <family>', `IP families: ${IP_FAMILIES.join(', ')} (dual: IPv4 and IPv6; default: as the kind config says)`, oneOf('IP family', IP_FAMILIES))
  .option('--config <file>', 'kind cluster config', pathArg('--config'), DEFAULT_KIND_CONFIG)
  .option('--kubeconfig <file>', 'where to write the kubeconfig (default: .kube/<name>.kubeconfig)', pathArg('--kubeconfig'))
  .option('--reuse', 'attach to a cluster of that name if it exists, instead of refusing')
  .option('--export-kubeconfig', 'also merge the cluster into ~/.kube/config (never done unless asked)');
parseArgs(program);
const opts = program.opts<{ name: string; proxyMode: (typeof PROXY_MODES)[number]; workers?: number; ipFamily?: IpFamilyOption; config: string; kubeconfig?: string; reuse?: boolean; exportKubeconfig?: boolean }>();

await runCli('cluster:up', async ({ log, cleanup, signal }) => {
  validateKindOptions({ name: opts.name, proxyMode: opts.proxyMode, configFile: opts.config, workers: opts.workers, ipFamily: opts.ipFamily });
  const kubeconfig = path.resolve(opts.kubeconfig ?? defaultKubeconfigPath(opts.name));
  if (existsSync(kubeconfig) && !statSync(kubeconfig).isFile()) {
    throw new UsageError(`--kubeconfig ${kubeconfig} is not a file`, 'pass --kubeconfig with the path of a file to write (kind merges into one that exists)');
  }
  ensureWritableDir(path.dirname(kubeconfig), '--kubeconfig');
  await assertDockerReachable(log);
  const kind = await resolveKind(log);
  const provider = new KindClusterProvider(
    {
      name: opts.name,
      proxyMode: opts.proxyMode,
      workers: opts.workers,
      ipFamily: opts.ipFamily,
      configFile: opts.config,
      kubeconfig,
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
  // Booted for the user, it is theirs: no later run deletes it as abandoned.
  releaseLease(opts.name);
  if (opts.exportKubeconfig) await run(kind.path, ['export', 'kubeconfig', '--name', opts.name]);
  log.step(`cluster "${info.name}" ready in ${((Date.now() - started) / 1000).toFixed(0)} s: Kubernetes ${info.kubernetesVersion}, proxy mode ${info.proxyMode}`);
  if (info.proxyMode === 'none') {
    const api = await readApiServerService(new Kubectl((await resolveKubectl(log)).path, info.kubeconfig));
    for (const line of proxylessNextSteps(info.name, info.kubeconfig, api)) log.info(line);
  }
  process.stdout.write(`${info.kubeconfig}\n`);
});
