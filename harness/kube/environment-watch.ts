import { EnvironmentError } from '../util/errors.js';
import { notYet, waitFor } from '../util/wait.js';
import { environmentChanges, environmentProblems, readEnvironment, type EnvironmentSnapshot } from './environment-snapshot.js';
import type { Kubectl } from './kubectl.js';

/** How often the environment is read while traffic runs; each read is two GETs (two kubectl calls without an API proxy). */
const WATCH_INTERVAL_MS = 2_000;

/**
 * Guards a measurement against faults that are not the proxy's: the nodes and the app's pods are
 * read before (they must be Ready), every couple of seconds during (a change aborts the traffic
 * at once) and after it (nothing may have changed). Any problem is an EnvironmentError.
 */
export class EnvironmentGuard {
  private before: EnvironmentSnapshot | undefined;
  private readonly stopWatching = new AbortController();
  private watching: Promise<void> | undefined;
  private found: EnvironmentError | undefined;

  constructor(private readonly kubectl: Kubectl, private readonly namespace: string, private readonly selector: string) {}

  /** Fails when a node is NotReady or an app pod is not ready; else remembers the snapshot. */
  async start(): Promise<void> {
    this.before = await readEnvironment(this.kubectl, this.namespace, this.selector);
    const problems = environmentProblems(this.before);
    if (problems.length > 0) throw new EnvironmentError(problems, 'the cluster is not ready to be measured');
  }

  /** Watches until `stop()`; `abort` is called (once) when something changed. */
  watch(abort: (error: EnvironmentError) => void): void {
    const before = this.required();
    this.watching = waitFor(
      async () => {
        const changes = environmentChanges(before, await readEnvironment(this.kubectl, this.namespace, this.selector));
        return changes.length > 0 ? changes : notYet('unchanged');
      },
      { what: 'a change in the nodes or the app pods', timeoutMs: Number.MAX_SAFE_INTEGER, intervalMs: WATCH_INTERVAL_MS, signal: this.stopWatching.signal },
    ).then(
      (changes) => {
        this.found = new EnvironmentError(changes, 'the cluster changed while traffic was sent');
        abort(this.found);
      },
      () => undefined,
    );
  }

  /** Stops watching; safe to call more than once. */
  async stop(): Promise<void> {
    this.stopWatching.abort();
    await this.watching;
  }

  /** Stops watching and compares once more; throws the first change seen. */
  async finish(): Promise<void> {
    await this.stop();
    if (this.found) throw this.found;
    const changes = environmentChanges(this.required(), await readEnvironment(this.kubectl, this.namespace, this.selector));
    if (changes.length > 0) throw new EnvironmentError(changes, 'the cluster changed while traffic was sent');
  }

  private required(): EnvironmentSnapshot {
    if (!this.before) throw new Error('EnvironmentGuard.start() was not called');
    return this.before;
  }
}
