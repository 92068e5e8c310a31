/**
 * When is a DaemonSet "ready on every node it targets", when has it failed for good, and how long
 * to wait for it. Pure: the caller reads the objects with kubectl (see waitForDaemonSets in
 * harness/cluster/proxy-installer.ts).
 */

export interface DaemonSetJson {
  metadata: { name: string; namespace?: string; generation?: number };
  spec?: { selector?: { matchLabels?: Record<string, string> }; template?: { spec?: PodSpecJson } };
  status?: {
    observedGeneration?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
  };
}

export interface ProbeJson {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface PodSpecJson {
  containers?: { name: string; readinessProbe?: ProbeJson; startupProbe?: ProbeJson }[];
  initContainers?: { name: string }[];
}

export interface ContainerStatusJson {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; running?: { startedAt?: string }; terminated?: { reason?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

export interface PodJson {
  metadata: { name: string; namespace?: string; deletionTimestamp?: string; ownerReferences?: { kind: string; name: string }[] };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: ContainerStatusJson[];
    initContainerStatuses?: ContainerStatusJson[];
  };
}

export type DaemonSetState =
  | { state: 'ready'; nodes: number }
  | { state: 'waiting'; reason: string; pod?: PodProblem }
  | { state: 'failed'; reason: string; pod: PodProblem }
  | { state: 'no-nodes' };

export interface PodProblem {
  pod: string;
  node: string | undefined;
  container: string | undefined;
  /** What kubelet says, e.g. "CrashLoopBackOff", "Running, not ready". */
  condition: string;
  /** True when the container has restarted: its previous instance's log says why. */
  restarted: boolean;
}

/**
 * Waiting reasons that kubelet keeps retrying without any prospect: a crash loop (the container
 * exited at least twice), an image that cannot be had, an image name that cannot be parsed.
 * ErrImagePull alone is not final (kubelet retries at once), ImagePullBackOff is its second try.
 */
export const FINAL_WAITING_REASONS = ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName'] as const;

/** Pods of the DaemonSet, matched by owner reference (the selector could match others too). */
export function podsOf(ds: DaemonSetJson, pods: readonly PodJson[]): PodJson[] {
  return pods.filter((p) => !p.metadata.deletionTimestamp && p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === ds.metadata.name));
}

/**
 * Ready: the controller saw the current spec, scheduled a pod on every node it targets, all of
 * them updated and ready. Failed: a pod is in a final waiting reason, its phase is Failed, or a
 * container has run for longer than its readiness budget (RUNNING_READY_BUDGET_MS plus what its
 * probes declare) without becoming ready; `now` is epoch ms.
 */
export function judgeDaemonSet(ds: DaemonSetJson, pods: readonly PodJson[], now = Date.now()): DaemonSetState {
  const status = ds.status ?? {};
  const own = podsOf(ds, pods);
  const budget = RUNNING_READY_BUDGET_MS + Math.max(0, ...(ds.spec?.template?.spec?.containers ?? []).map(containerBudgetMs));
  for (const pod of own) {
    const problem = finalProblem(pod) ?? neverReady(pod, now, budget);
    if (problem) return { state: 'failed', reason: problem.condition, pod: problem };
  }
  const observed = (status.observedGeneration ?? 0) >= (ds.metadata.generation ?? 1);
  if (!observed) return { state: 'waiting', reason: 'the DaemonSet controller has not seen it yet' };
  const desired = status.desiredNumberScheduled ?? 0;
  if (desired === 0) return { state: 'no-nodes' };
  const ready = status.numberReady ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  if (ready >= desired && updated >= desired) {
    const settling = own.find((p) => !settled(p, now));
    if (!settling) return { state: 'ready', nodes: desired };
    return { state: 'waiting', reason: `${ready}/${desired} pods ready, each to stay so for ${SETTLE_MS / 1000} s`, pod: describeWaiting(settling) };
  }
  const notReady = own.find((p) => !podReady(p));
  return {
    state: 'waiting',
    reason: `${ready}/${desired} pods ready${updated < desired ? `, ${updated}/${desired} updated` : ''}`,
    pod: notReady ? describeWaiting(notReady) : undefined,
  };
}

/**
 * A container without a readiness probe counts as ready the moment it runs, so a proxy that exits
 * a few seconds after its start (a bad flag, a config it rejects) would look ready in between.
 * Ready means: every container ready, running for SETTLE_MS without a restart in that time. 10 s
 * is over the 2 s poll interval several times, so such an exit is seen (as Error, then
 * CrashLoopBackOff) before the proxy is called ready; it is minReadySeconds for a DaemonSet.
 */
export const SETTLE_MS = 10_000;

function settled(pod: PodJson, now: number): boolean {
  return (pod.status?.containerStatuses ?? []).every((c) => {
    const startedAt = Date.parse(c.state?.running?.startedAt ?? '');
    return c.ready === true && Number.isFinite(startedAt) && now - startedAt >= SETTLE_MS;
  });
}

export function podReady(pod: PodJson): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function finalProblem(pod: PodJson): PodProblem | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const c of statuses) {
    const reason = c.state?.waiting?.reason;
    if (reason && (FINAL_WAITING_REASONS as readonly string[]).includes(reason)) {
      const exit = c.lastState?.terminated;
      const condition = exit ? `${reason} (last exit: ${exit.reason ?? 'terminated'}, code ${exit.exitCode ?? '?'}, ${c.restartCount ?? 0} restarts)` : reason;
      return { pod: pod.metadata.name, node: pod.spec?.nodeName, container: c.name, condition, restarted: (c.restartCount ?? 0) > 0 };
    }
  }
  if (pod.status?.phase === 'Failed') {
    return { pod: pod.metadata.name, node: pod.spec?.nodeName, container: undefined, condition: 'phase Failed', restarted: false };
  }
  return undefined;
}

/** A container that has run longer than `budgetMs` without being ready will not be. */
function neverReady(pod: PodJson, now: number, budgetMs: number): PodProblem | undefined {
  for (const c of pod.status?.containerStatuses ?? []) {
    const startedAt = Date.parse(c.state?.running?.startedAt ?? '');
    if (c.ready || !Number.isFinite(startedAt) || now - startedAt <= budgetMs) continue;
    const seconds = Math.round((now - startedAt) / 1000);
    return { pod: pod.metadata.name, node: pod.spec?.nodeName, container: c.name, condition: `Running for ${seconds} s, never ready (its readiness probe does not pass; allowed ${Math.round(budgetMs / 1000)} s)`, restarted: (c.restartCount ?? 0) > 0 };
  }
  return undefined;
}

function describeWaiting(pod: PodJson): PodProblem {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const pending = statuses.find((c) => !c.ready && !(c.state?.terminated?.reason === 'Completed'));
  let condition = pod.status?.phase ?? 'Pending';
  if (pending?.state?.waiting?.reason) condition = pending.state.waiting.reason;
  else if (pending?.state?.running) condition = 'Running, not ready (its readiness probe does not pass)';
  else if (pending?.state?.terminated) condition = `terminated (${pending.state.terminated.reason ?? 'exit'} ${pending.state.terminated.exitCode ?? ''})`.trim();
  return { pod: pod.metadata.name, node: pod.spec?.nodeName, container: pending?.name, condition, restarted: (pending?.restartCount ?? 0) > 0 };
}

/**
 * How long a proxy's DaemonSet may take to become ready, derived from what it declares:
 *
 * - START_BUDGET_MS (300 s): from `kubectl apply` to the proxy ready on every node with its image
 *   already on the nodes (loaded from local Docker, or pulled by an earlier run): DaemonSet
 *   controller, scheduling, pod sandbox, init and main container start, the proxy's first sync.
 *   Measured here (2 cores, three kind nodes) for kube-proxy v1.33, whose start-up clean-up of
 *   the other modes' rules (one iptables/ipset exec after another) dominates and grows with the
 *   machine's load: 70 s at a load average of 37, more than 182 s at 90 (other clusters and Go
 *   builds on the machine). 300 s covers that; an idle machine needs a fraction of it.
 * - PULL_BUDGET_MS (120 s) more when some image is not in local Docker, so nodes must pull it.
 * - plus the budget the manifest itself gives its slowest container: a startupProbe's
 *   initialDelaySeconds + periodSeconds x failureThreshold (what kubelet waits before it gives up),
 *   then a readinessProbe's initialDelaySeconds + periodSeconds x successThreshold (the earliest a
 *   healthy container is ready), both with Kubernetes' defaults when unset.
 *
 * A crash loop or an image that cannot be had fails long before this (FINAL_WAITING_REASONS);
 * the timeout catches a proxy that runs but never becomes ready.
 */
export const START_BUDGET_MS = 300_000;
export const PULL_BUDGET_MS = 120_000;

/**
 * How long a proxy's container may run before it is ready, on top of what its probes declare,
 * counted from the container's own start (so a slow image load or a busy scheduler does not
 * count against it): kube-proxy v1.33's start-up (clean-up of the other modes' rules, the first
 * sync) took 70 s at a load average of 37 here, seconds on a quiet machine; 120 s covers it. A
 * proxy that runs but never becomes ready is told apart this way long before START_BUDGET_MS.
 */
export const RUNNING_READY_BUDGET_MS = 120_000;

export function readyTimeoutMs(daemonSets: readonly DaemonSetJson[], imagesOnNodes: boolean): number {
  const probeBudget = Math.max(0, ...daemonSets.flatMap((ds) => (ds.spec?.template?.spec?.containers ?? []).map(containerBudgetMs)));
  return START_BUDGET_MS + (imagesOnNodes ? 0 : PULL_BUDGET_MS) + probeBudget;
}

function containerBudgetMs(c: { startupProbe?: ProbeJson; readinessProbe?: ProbeJson }): number {
  const s = c.startupProbe;
  const startup = s ? (s.initialDelaySeconds ?? 0) + (s.periodSeconds ?? 10) * (s.failureThreshold ?? 3) : 0;
  const r = c.readinessProbe;
  const readiness = r ? (r.initialDelaySeconds ?? 0) + (r.periodSeconds ?? 10) * (r.successThreshold ?? 1) : 0;
  return (startup + readiness) * 1000;
}
