import type { Kubectl } from '../kube/kubectl.js';
import { notYet, waitFor } from '../util/wait.js';

export const CLIENT_PODS = 'kpc-client';

export interface ClientPod {
  pod: string;
  node: string;
  ip: string;
}

interface PodList {
  items: { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { podIP?: string; conditions?: { type: string; status: string }[] } }[];
}

/**
 * A client pod on every node (a DaemonSet tolerating every taint), running the app image idle:
 * traffic from inside the cluster is sent from them with the same burst code as the host client.
 * Runs under the restricted Pod Security Standard, like the app.
 */
function daemonSet(image: string): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: CLIENT_PODS, labels: { app: CLIENT_PODS } },
    spec: {
      selector: { matchLabels: { app: CLIENT_PODS } },
      template: {
        metadata: { labels: { app: CLIENT_PODS } },
        spec: {
          tolerations: [{ operator: 'Exists' }],
          terminationGracePeriodSeconds: 1,
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'client',
              image,
              imagePullPolicy: 'IfNotPresent',
              command: ['sleep', 'infinity'],
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '256Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}

/** Applies the client DaemonSet (in place) and waits for a ready client pod on each of `nodes`. */
export async function ensureClientPods(kubectl: Kubectl, namespace: string, image: string, nodes: readonly string[], timeoutMs = 120_000): Promise<ClientPod[]> {
  await kubectl.run(['apply', '-f', '-'], { namespace, input: JSON.stringify(daemonSet(image)) });
  return waitFor(
    async () => {
      const pods = await kubectl.json<PodList>(['get', 'pods', '-l', `app=${CLIENT_PODS}`], { namespace });
      const ready = pods.items
        .filter((p) => !p.metadata.deletionTimestamp && p.status.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        .map((p) => ({ pod: p.metadata.name, node: p.spec.nodeName ?? '', ip: p.status.podIP! }));
      const missing = nodes.filter((n) => !ready.some((p) => p.node === n));
      return missing.length === 0 ? nodes.map((n) => ready.find((p) => p.node === n)!) : notYet(`no ready client pod yet on ${missing.join(', ')}`);
    },
    { what: `a ready ${CLIENT_PODS} pod on every node`, timeoutMs },
  );
}
