import path from 'node:path';
import { test } from './support/fixtures.js';
import { claimNamespace } from '../harness/lab/namespace-guard.js';
import { Kubectl } from '../harness/kube/kubectl.js';
import { resolveKubectl } from '../harness/tools/tool-resolver.js';
import { providerFor, resolveTools } from '../harness/run/providers.js';
import { writeClusterState } from '../harness/run/run-config.js';
import { surveyCluster } from '../harness/run/cluster-survey.js';
import { REPO_ROOT } from '../harness/util/repo-root.js';
import { run as exec } from '../harness/util/exec.js';

test('boot the cluster (or attach to the one given) and load the app image', async ({ run, log }) => {
  test.setTimeout(90 * 60_000);
  const tools = await resolveTools(run.cluster, log);
  const provider = providerFor(run.cluster, tools, log);
  const controller = new AbortController();
  let info;
  try {
    info = await provider.up(controller.signal);
  } catch (error) {
    if ('createdHere' in provider && provider.createdHere) await provider.down();
    throw error;
  }
  const created = run.cluster.kind === 'kind' && 'createdHere' in provider && provider.createdHere === true;
  // Written before anything else can fail, so the teardown project always knows what to delete.
  writeClusterState(run, { info, created, namespaceCreated: false, appImage: '' });

  let appImage = run.appImage;
  if (appImage) {
    log.step(`app image ${appImage}: the nodes pull it (--image)`);
  } else {
    log.step('building the helloworld image (cached when unchanged)');
    const { stdout } = await exec('bash', [path.join(REPO_ROOT, 'app/build-image.sh')], { onStderrLine: (l) => l.trim() && log.info(l) });
    appImage = stdout.trim().split('\n').pop() ?? '';
    await provider.loadImage(appImage, controller.signal);
  }

  const kubectl = new Kubectl(tools.kubectl ?? (await resolveKubectl(log)).path, info.kubeconfig);
  // Recorded before the namespace is made, so a Ctrl-C just after still deletes it.
  const claim = await claimNamespace(kubectl, run.namespace, { log, beforeCreate: () => writeClusterState(run, { info, created, namespaceCreated: true, appImage }) });
  writeClusterState(run, { info, created, namespaceCreated: claim.created, appImage, survey: await surveyCluster(kubectl, info, run) });
  log.step(`cluster "${info.name}" ready: ${info.kubeconfig}`);
});
