// The names of a run's Lease and of its reaper. No imports: the reaper's bundle (lab/reaper.ts) reads these too.

/** The run's Lease, in the lab's namespace: renewed while certify runs (harness/run/run-guard.ts). */
export const RUN_LEASE = 'kube-proxy-conformance-run';
/** The ServiceAccount (in the lab's namespace) and the Roles of the pod that reaps a killed run. */
export const REAPER_NAME = 'kube-proxy-conformance-reaper';
