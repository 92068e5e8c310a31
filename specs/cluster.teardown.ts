import { test } from './support/fixtures.js';
import { providerFor, resolveTools } from '../harness/run/providers.js';
import { readClusterState } from '../harness/run/run-config.js';
import { Kubectl } from '../harness/kube/kubectl.js';
import { resolveKubectl } from '../harness/tools/tool-resolver.js';

test('delete what the run made, unless asked to keep it', async ({ run, log }) => {
  test.setTimeout(5 * 60_000);
  let state;
  try {
    state = readClusterState(run);
  } catch {
    log.step('nothing to tear down (setup made nothing)');
    return;
  }
  if (run.keep) {
    log.step(`keeping cluster "${state.info.name}": kubeconfig ${state.info.kubeconfig}`);
    return;
  }
  const tools = await resolveTools(run.cluster, log);
  if (state.created) {
    log.step(`deleting kind cluster "${state.info.name}"`);
    await providerFor(run.cluster, tools, log).down();
  } else if (state.namespaceCreated) {
    log.step(`deleting namespace ${run.namespace}`);
    await new Kubectl(tools.kubectl ?? (await resolveKubectl(log)).path, state.info.kubeconfig).run(['delete', 'namespace', run.namespace, '--ignore-not-found', '--wait=false']);
  }
});
