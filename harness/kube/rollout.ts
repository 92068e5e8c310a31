import { UsageError } from '../util/errors.js';
import { notYet, waitFor } from '../util/wait.js';
import type { Kubectl } from './kubectl.js';

interface Deployment {
  metadata: { generation?: number };
  spec: { replicas?: number };
  status?: { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number };
}

interface PodList {
  items: { metadata: { name: string }; status?: { containerStatuses?: { image: string; state?: { waiting?: { reason?: string; message?: string } } }[] } }[];
}

/** Waiting reasons that no amount of waiting cures: the nodes cannot get the image. */
const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

/** A pod of `selector` that cannot get its image, as one line naming the pod and the image; null when none. */
export async function imagePullFailure(kubectl: Kubectl, namespace: string, selector: string): Promise<string | null> {
  const pods = await kubectl.json<PodList>(['get', 'pods', '-l', selector], { namespace });
  for (const pod of pods.items) {
    for (const c of pod.status?.containerStatuses ?? []) {
      const waiting = c.state?.waiting;
      if (waiting?.reason && PULL_FAILURES.has(waiting.reason)) return `image ${c.image} cannot be pulled by the nodes (${waiting.reason} on pod ${pod.metadata.name})`;
    }
  }
  return null;
}

/**
 * Waits until every replica of a Deployment runs its current template and is available. A pod
 * that cannot pull its image ends the wait at once with a UsageError naming the image (exit 2),
 * instead of a rollout timeout minutes later.
 */
export async function waitForRollout(kubectl: Kubectl, namespace: string, name: string, selector: string, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    async () => {
      const pullFailure = await imagePullFailure(kubectl, namespace, selector);
      if (pullFailure) throw new UsageError(pullFailure, 'make the image pullable by the nodes, or pass --image with one they can pull');
      const d = await kubectl.json<Deployment>(['get', 'deployment', name], { namespace });
      const want = d.spec.replicas ?? 1;
      const s = d.status ?? {};
      const done = (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && (s.updatedReplicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.replicas ?? 0) === want;
      return done ? true : notYet(`${s.availableReplicas ?? 0} of ${want} replicas available, ${s.updatedReplicas ?? 0} updated`);
    },
    // Through the API proxy a poll is two requests; as kubectl processes, two processes.
    { what: `deployment ${name} to roll out`, timeoutMs, intervalMs: kubectl.pollIntervalMs, rethrow: (error) => error instanceof UsageError },
  );
}

/** Waits until `selector` lists exactly `count` pods and none is being deleted: what a scale-down or a deletion leaves, once done. */
export async function waitForPodsSettled(kubectl: Kubectl, namespace: string, selector: string, count: number, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    async () => {
      const pods = await kubectl.json<{ items: { metadata: { name: string; deletionTimestamp?: string } }[] }>(['get', 'pods', '-l', selector], { namespace });
      const leaving = pods.items.filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name);
      if (leaving.length > 0) return notYet(`${leaving.join(', ')} still being deleted`);
      return pods.items.length === count ? true : notYet(`${pods.items.length} pods, not ${count}`);
    },
    { what: `the pods of ${selector} to settle at ${count}`, timeoutMs, intervalMs: kubectl.pollIntervalMs },
  );
}
