import type { Kubectl } from '../kube/kubectl.js';
import { REAPER_NAME } from '../kube/reaper-names.js';
import { notYet, waitFor } from '../util/wait.js';
import type { ReaperPlan } from './reaper.js';

/**
 * The pod that reaps a killed run (harness/lab/reaper.ts), in the lab's namespace as the reaper's
 * ServiceAccount; the app image's reaper.js, under the restricted Pod Security Standard like the
 * app. On any node: it only talks to the API server. A plain pod, restarted when it fails; named
 * afresh each run, so one an earlier run left terminating is no obstacle.
 */
export function reaperPod(plan: ReaperPlan, image: string, labels: Record<string, string>): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: `${REAPER_NAME}-`, namespace: plan.labNamespace, labels: { ...labels, app: REAPER_NAME } },
    spec: {
      serviceAccountName: REAPER_NAME,
      restartPolicy: 'OnFailure',
      terminationGracePeriodSeconds: 1,
      tolerations: [{ operator: 'Exists' }],
      securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'reaper',
          image,
          imagePullPolicy: 'IfNotPresent',
          command: ['node', '/app/reaper.js', JSON.stringify(plan)],
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          resources: { requests: { cpu: '5m', memory: '32Mi' }, limits: { memory: '128Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/** Time for the pod to be scheduled and its image (already on the nodes, or pulled) to start. */
const REAPER_RUNNING_TIMEOUT_MS = 120_000;

/** Creates the reaper pod; returns its name. */
export async function startReaperPod(kubectl: Kubectl, pod: object): Promise<string> {
  return (await kubectl.text(['create', '-f', '-', '-o', 'jsonpath={.metadata.name}'], { input: JSON.stringify(pod) })).trim();
}

/** Waits until the reaper's container runs; returns its node. */
export async function reaperRunning(kubectl: Kubectl, namespace: string, name: string, signal: AbortSignal): Promise<string> {
  return waitFor(
    async () => {
      const pod = await kubectl.jsonIfAny<{ spec?: { nodeName?: string }; status?: { phase?: string; containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } }>(['get', 'pod', name], { namespace, signal });
      if (pod?.status?.phase === 'Running') return pod.spec?.nodeName ?? 'a node';
      return notYet(`pod ${pod?.status?.phase ?? 'not there'}${pod?.status?.containerStatuses?.[0]?.state?.waiting?.reason ? ` (${pod.status.containerStatuses[0].state.waiting.reason})` : ''}`);
    },
    { what: `the reaper pod ${namespace}/${name} to run`, timeoutMs: REAPER_RUNNING_TIMEOUT_MS, intervalMs: kubectl.pollIntervalMs, signal },
  );
}
