import { RBAC_NAME, renderRbac } from '../kube/rbac.js';
import { REAPER_NAME } from '../kube/reaper-names.js';
import { CLEARED_AFTER_EACH_RUN, OWN_LABELS } from '../lab/ownership.js';
import type { RunConfig } from '../run/run-config.js';
import { runNamespaces } from '../run/run-namespaces.js';

/** `certify --print-rbac`: the least-privilege objects for this run's namespaces and features, as YAML. */
export function printRbac(config: Pick<RunConfig, 'namespace' | 'features' | 'profile'>, argv: readonly string[]): string {
  const namespaces = runNamespaces(config);
  const header = [
    `Least privilege for: kube-proxy-conformance certify ${argv.filter((a) => a !== '--print-rbac').join(' ')}`.trimEnd(),
    `(namespace ${config.namespace}, ${config.profile === 'custom' ? `features ${config.features.join(', ')}` : `profile ${config.profile}`})`,
    '',
    'A cluster admin applies it:   kubectl apply -f <this file>',
    `certify then runs as the ServiceAccount ${RBAC_NAME} in ${config.namespace}; its token, for a kubeconfig:`,
    `  kubectl create token ${RBAC_NAME} --namespace ${config.namespace} --duration 1h`,
    `It reads nodes and DaemonSets, and kube-proxy's ConfigMap in kube-system; it makes and deletes`,
    `objects only in ${namespaces.join(', ')}.`,
    'These namespaces are made here, ahead: certify uses them, deletes what it made in them, and',
    'never creates or deletes a namespace itself. Run certify with the same --namespace and profile.',
    `If certify is killed, the pod it started as the ServiceAccount ${REAPER_NAME} deletes what the`,
    'run made in them once its Lease has gone unrenewed for --expire-after (README: "Killed runs").',
  ].join('\n');
  return renderRbac({ namespaces, managedByLabel: OWN_LABELS, namespaceAnnotations: { [CLEARED_AFTER_EACH_RUN]: 'true' } }, header);
}
