import type { Kubectl } from '../kube/kubectl.js';
import { namespaceMeta, type NamespaceClaim } from '../lab/namespace-guard.js';
import { CLEARED_AFTER_EACH_RUN, OWN_LABELS } from '../lab/ownership.js';
import { reaperPod, reaperRunning, startReaperPod } from '../lab/reaper-pod.js';
import { renewRunLease, runLeaseObject, takeRunLease } from '../lab/run-lease.js';
import { oneLineMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { RunConfig } from './run-config.js';
import { runNamespaces } from './run-namespaces.js';

/**
 * What keeps a killed run from leaving NodePorts open on a cluster certify did not boot: the
 * run's Lease in its lab namespace, renewed every third of --expire-after while certify lives,
 * and a reaper pod there that deletes the run's namespaces (or, in namespaces an admin made, what
 * the run put there) once the Lease has gone unrenewed for --expire-after. A run that ends
 * deletes the Lease with its namespaces, and the reaper with them.
 */
export class RunGuard {
  private timer: NodeJS.Timeout | undefined;
  private renewing = false;
  private failing = false;
  private readonly stopped = new AbortController();

  constructor(
    private readonly run: RunConfig & { reaper: { expirySeconds: number } },
    private readonly log: Logger,
  ) {}

  static for(run: RunConfig, log: Logger): RunGuard | undefined {
    return run.reaper ? new RunGuard({ ...run, reaper: run.reaper }, log) : undefined;
  }

  /** The Lease, made with the lab namespace when the run creates it (namespace-guard.ts: withObjects). */
  lease(): object {
    return runLeaseObject(this.run.namespace, this.run.runId, this.run.reaper.expirySeconds, OWN_LABELS);
  }

  /** Once the lab namespace is claimed: takes the Lease if the namespace was there before, and renews it from now on. */
  async hold(kubectl: Kubectl, claim: NamespaceClaim): Promise<void> {
    if (!claim.created) await takeRunLease(kubectl, this.lease(), this.run.namespace);
    this.timer = setInterval(() => void this.renew(kubectl), (this.run.reaper.expirySeconds * 1000) / 3);
    this.timer.unref();
  }

  /**
   * Once the app image is on the nodes: starts the reaper where it may reap, in a namespace this
   * run made or one an admin made for certify. A namespace kept by an earlier run (--keep) is the
   * user's: no reaper.
   */
  async startReaper(kubectl: Kubectl, claim: NamespaceClaim, image: string): Promise<void> {
    const { namespace, reaper } = this.run;
    if (!claim.created && (await namespaceMeta(kubectl, namespace))?.annotations?.[CLEARED_AFTER_EACH_RUN] !== 'true') {
      this.log.step(`namespace ${namespace} was kept by an earlier run (--keep): no reaper; what this run makes there stays if it is killed`);
      return;
    }
    let pod: string;
    try {
      pod = await startReaperPod(kubectl, reaperPod({ labNamespace: namespace, namespaces: runNamespaces(this.run) }, image, OWN_LABELS));
    } catch (error) {
      this.log.warn(`no reaper: ${oneLineMessage(error)}; if certify is killed, the run's namespaces stay (apply \`certify --print-rbac\` again where an admin made them)`);
      return;
    }
    reaperRunning(kubectl, namespace, pod, this.stopped.signal).then(
      (node) => this.log.step(`reaper ${pod} running on ${node}: if certify is killed, the run's namespaces go ${reaper.expirySeconds} s after its last renewal`),
      (error: unknown) => this.stopped.signal.aborted || this.log.warn(`${oneLineMessage(error)}: if certify is killed, the run's namespaces stay until the next run (--expire-after)`),
    );
  }

  /** Stops renewing: the run ends (its teardown deletes the Lease), or was interrupted. */
  stop(): void {
    clearInterval(this.timer);
    this.stopped.abort();
  }

  private async renew(kubectl: Kubectl): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    try {
      await renewRunLease(kubectl, this.run.namespace);
      if (this.failing) this.log.info(`renewed the run's Lease again`);
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.log.warn(`could not renew the run's Lease (the reaper deletes the run's namespaces if this lasts ${this.run.reaper.expirySeconds} s): ${oneLineMessage(error)}`);
      this.failing = true;
    } finally {
      this.renewing = false;
    }
  }
}
