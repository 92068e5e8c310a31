import type { Kubectl } from '../kube/kubectl.js';
import { waitFor, notYet } from '../util/wait.js';

/** Label upstream's framework puts on every namespace it creates: the run's random id. */
export const E2E_RUN_LABEL = 'e2e-run';

interface NamespaceList {
  items: { metadata: { name: string; labels?: Record<string, string> } }[];
}

/**
 * The namespaces upstream's tests create ("services-1234", ...) carry the label e2e-run=<run id>,
 * an id e2e.test draws at start. Ids seen before a run are someone else's; namespaces with a new
 * id are this run's, and are removed after it (Ginkgo deletes them itself on a normal end, but not
 * always after an interrupt, and never waits for them to go).
 */
export class E2eNamespaces {
  private before: Set<string> | undefined;

  constructor(private readonly kubectl: Kubectl) {}

  async snapshot(): Promise<void> {
    this.before = new Set((await this.list()).map((ns) => ns.run));
  }

  /** This run's namespaces that still exist (terminating ones included). */
  async mine(): Promise<string[]> {
    if (!this.before) return [];
    const before = this.before;
    return (await this.list()).filter((ns) => !before.has(ns.run)).map((ns) => ns.name);
  }

  /** Deletes this run's namespaces and waits until they are gone. */
  async remove(timeoutMs = 300_000): Promise<string[]> {
    const names = await this.mine();
    if (names.length === 0) return [];
    await this.kubectl.run(['delete', 'namespace', ...names, '--ignore-not-found', '--wait=false']);
    await waitFor(
      async () => {
        const left = await this.mine();
        return left.length === 0 ? true : notYet(`still there: ${left.join(', ')}`);
      },
      { timeoutMs, intervalMs: 2_000, what: "upstream's test namespaces to be deleted" },
    );
    return names;
  }

  private async list(): Promise<{ name: string; run: string }[]> {
    const list = await this.kubectl.json<NamespaceList>(['get', 'namespaces', '-l', E2E_RUN_LABEL]);
    return list.items.map((ns) => ({ name: ns.metadata.name, run: ns.metadata.labels?.[E2E_RUN_LABEL] ?? '' }));
  }
}
