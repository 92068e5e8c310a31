import path from 'node:path';
import { dockerExec } from '../../cluster/docker.js';
import type { Feature } from '../feature.js';
import { REPO_ROOT } from '../../util/repo-root.js';

export const CHURN_NAME = 'kpc-churn';
export const CHURN_SELECTOR = 'app=kpc-churn';
export const CHURN_MANIFEST = path.join(REPO_ROOT, 'harness/features/endpoint-churn/churn.yaml');
export const CHURN_REPLICAS = 3;
export const CHURN_SCALED_UP = 5;

/**
 * Answers in a row (per node, after a removal) without the removed endpoints, after which a node is
 * taken to have followed: were it still sending 1 in 5 connections to them (2 of 5 endpoints
 * removed), 30 in a row would miss them with probability 0.8^30 = 0.1%.
 */
export const QUIET_ANSWERS = 30;

/** Endpoints come and go while traffic runs: every node must follow, and how fast is reported. */
export const endpointChurn: Feature = {
  id: 'EndpointChurn',
  slug: 'endpoint-churn',
  level: 'core',
  title: 'Every node follows endpoints as they come and go',
  description:
    "While traffic runs through every node's NodePort, an app of its own is scaled from 3 to 5 replicas, back to 3, and rolled (a new pod for every old one). From the EndpointSlice watch and the answers, per node: the time from an endpoint joining to its first answer, and from an endpoint leaving to its last answer (p50, p99, max), and the requests that failed during the rolling update of an app that drains gracefully (a preStop sleep). A node fails when it never follows a change within 30 s (upstream's endpoint lag bound). These are the black-box network-programming latencies, per node, with no metric of the proxy itself to trust.",
  statistical: false,
  untestable: () => null,
  fault: {
    describe: 'has a frozen proxy (kube-proxy stopped with SIGSTOP): its rules stay as they were',
    inject: async (ctx) => void (await dockerExec(ctx.victim, ['pkill', '-STOP', '-x', 'kube-proxy'])),
    clear: async (ctx) => void (await dockerExec(ctx.victim, ['pkill', '-CONT', '-x', 'kube-proxy'])),
    failing: async (ctx) => [`endpoint-churn/converged/${ctx.victim}`],
  },
};
