// Entry point of the reaper pod (bundled to app/dist/reaper.js): plan as JSON in argv; what it
// does goes to its log (`kubectl logs kube-proxy-conformance-reaper`).
import { inClusterApi } from './in-cluster-api.js';
import { reap, watchLease, type ReaperPlan } from './reaper.js';

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '') as ReaperPlan;
  const ownPod = process.env['POD_NAME'] ?? '';
  const api = inClusterApi();
  log(`watching the run's Lease in ${plan.labNamespace}; reaping ${plan.namespaces.join(', ')} once it expires`);
  if ((await watchLease(api, plan, log)) === 'released') {
    log('the run released its Lease: it ended and cleaned up itself');
    return;
  }
  log('the Lease expired: the run stopped renewing it; reaping');
  await reap(api, plan, ownPod, log);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
