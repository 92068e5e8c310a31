import { notYet, waitFor } from '../util/wait.js';
import { HttpProber } from './http-prober.js';
import type { TrafficTarget } from './traffic-plan.js';

/** Upstream e2e allows kube-proxy 30 s to follow Service and endpoint changes. */
export const PROXY_PROGRAMMING_TIMEOUT_MS = 30_000;

/**
 * A proxy needs a moment to program a new NodePort. Waits until every node has answered one
 * request, up to `timeoutMs`.
 * Returns the nodes that never answered; the caller still measures them, so a broken node is
 * judged by the checks rather than hidden by this wait.
 */
export async function awaitProgrammed(targets: TrafficTarget[], sender: string, timeoutMs = PROXY_PROGRAMMING_TIMEOUT_MS): Promise<string[]> {
  const prober = new HttpProber(2_000);
  const waiting = new Set(targets);
  await waitFor(
    async () => {
      const answers = await Promise.all([...waiting].map(async (t) => ({ t, record: await prober.send(-1, t, sender) })));
      for (const { t, record } of answers) if (record.error === null) waiting.delete(t);
      return waiting.size === 0 ? true : notYet(`${waiting.size} nodes not answering`);
    },
    { what: 'every node to answer once', timeoutMs, intervalMs: 500 },
  ).catch(() => undefined);
  return [...waiting].map((t) => t.node);
}
