import type { CheckLine } from '../../report/report-types.js';
import type { UdpFlow } from '../../traffic/udp-flow.js';

/**
 * Upstream's bound for a flow to reach a new server pod after the old one was deleted: its
 * conntrack tests poll the new pod's logs for a minute (test/e2e/network/conntrack.go).
 */
export const STALE_FLOW_BOUND_MS = 60_000;

/** How a node's flow fared after the pods it was answered by were deleted at `deletedAt`. */
export interface FlowOutcome {
  node: string;
  sourcePort: number;
  /** The pod the flow was pinned to before the deletion. */
  before: string | null;
  /** Seconds from the deletion to the first answer from a pod still there; null when none came within the bound. */
  recoveredAfterS: number | null;
  /** The pod of that first answer. */
  after: string | null;
  /** The last answer from a deleted pod, seconds after the deletion (a draining pod may answer for a moment). */
  lastOldAfterS: number | null;
}

export function flowOutcome(flow: UdpFlow, before: string | null, deletedAt: number, deleted: ReadonlySet<string>): FlowOutcome {
  const first = flow.firstAnswerFrom(deletedAt, deleted);
  const old = flow.answers.filter((a) => a.at >= deletedAt && deleted.has(a.pod)).at(-1);
  const seconds = (at: number) => Number(((at - deletedAt) / 1000).toFixed(2));
  return {
    node: flow.target.node,
    sourcePort: flow.sourcePort,
    before,
    recoveredAfterS: first && first.at - deletedAt <= STALE_FLOW_BOUND_MS ? seconds(first.at) : null,
    after: first?.pod ?? null,
    lastOldAfterS: old ? seconds(old.at) : null,
  };
}

/** Passes when the node's flow, from the same source port throughout, reached a live pod within the bound. */
export function staleFlowCheck(id: string, outcome: FlowOutcome, label: string): CheckLine {
  const base = { id, node: outcome.node, endpoint: null };
  const flow = `${label}, one flow from source port ${outcome.sourcePort}`;
  if (outcome.before === null) return { ...base, status: 'fail', message: `${flow}: never answered before the deletion, so there was no flow to keep` };
  if (outcome.recoveredAfterS !== null) {
    return { ...base, status: 'pass', message: `${flow}: answered by ${outcome.before}, which was deleted; ${outcome.after} answered ${outcome.recoveredAfterS.toFixed(2)} s later` };
  }
  return {
    ...base,
    status: 'fail',
    message: `${flow}: answered by ${outcome.before}, which was deleted; no live pod answered within ${STALE_FLOW_BOUND_MS / 1000} s (upstream's bound): the proxy kept the flow's stale conntrack entry, black-holing it for as long as the client sends`,
  };
}
