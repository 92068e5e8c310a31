import { setTimeout as delay } from 'node:timers/promises';
import { HttpProber } from './http-prober.js';
import type { TrafficTarget } from './traffic-plan.js';

/**
 * A proxy needs a moment to program a new NodePort. Waits until every node has answered one
 * request, up to `timeoutMs` (upstream e2e allows kube-proxy 30 s to follow endpoint changes).
 * Returns the nodes that never answered; the caller still measures them, so a broken node is
 * judged by the checks rather than hidden by this wait.
 */
export async function awaitProgrammed(targets: TrafficTarget[], sender: string, timeoutMs = 30_000): Promise<string[]> {
  const prober = new HttpProber(2_000);
  const waiting = new Set(targets);
  const deadline = Date.now() + timeoutMs;
  while (waiting.size > 0 && Date.now() < deadline) {
    const answers = await Promise.all([...waiting].map(async (t) => ({ t, record: await prober.send(-1, t, sender) })));
    for (const { t, record } of answers) if (record.error === null) waiting.delete(t);
    if (waiting.size > 0) await delay(500);
  }
  return [...waiting].map((t) => t.node);
}
