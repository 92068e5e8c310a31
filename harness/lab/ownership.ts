// What marks the harness's own objects in a cluster. No imports: the reaper's bundle (reaper.ts) reads these too.

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'kube-proxy-conformance';
/** The label of everything the harness makes in a cluster. */
export const OWN_LABELS: Readonly<Record<string, string>> = { [MANAGED_BY_LABEL]: MANAGED_BY };
/**
 * On a namespace an admin made from `certify --print-rbac`: each run deletes what it made there
 * (certify may not delete the namespace). Other namespaces a run finds are left as they are.
 */
export const CLEARED_AFTER_EACH_RUN = 'kube-proxy-conformance/cleared-after-each-run';

/**
 * On a namespace certify made for a run guarded by a reaper: the lab namespace whose Lease the run
 * renews. Once that Lease goes unrenewed (certify killed), the reaper or the next run deletes it.
 */
export const REAPED_WITH = 'kube-proxy-conformance/reaped-with-lease-in';
