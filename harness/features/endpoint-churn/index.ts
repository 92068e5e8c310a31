import { dockerExec } from '../../cluster/docker.js';
import type { Feature } from '../feature.js';
import { endpointChurnSteps, SLUG } from './steps.js';

/** Endpoints come and go while traffic runs: every node must follow, and how fast is reported. */
export const endpointChurn: Feature = {
  id: 'EndpointChurn',
  slug: SLUG,
  level: 'core',
  title: 'Every node follows endpoints as they come and go',
  description:
    "While traffic runs through every node's NodePort, an app of its own is scaled from 3 to 5 replicas, back to 3, and rolled (a new pod for every old one). From the EndpointSlice watch and the answers, per node: the time from an endpoint joining to its first answer, and from an endpoint leaving to its last answer (p50, p99, max), and the requests that failed during the rolling update of an app that drains gracefully (a preStop sleep). A node fails when it keeps sending to an endpoint that left for more than 30 s (upstream's endpoint lag bound), or when a joined endpoint is not answered through it within 30 s while enough answers from the others after that bound show it was not a sampling delay (the chance of so many misses by luck, at the feature's share of the run's alpha, is below it); with fewer answers than that the node's check is skipped as undecided. These are the black-box network-programming latencies, per node, with no metric of the proxy itself to trust.",
  statistical: false,
  untestable: () => null,
  steps: endpointChurnSteps,
  fault: {
    describe: 'has a frozen proxy (kube-proxy stopped with SIGSTOP): its rules stay as they were',
    exclusive: true,
    inject: async (ctx) => void (await dockerExec(ctx.victim, ['pkill', '-STOP', '-x', 'kube-proxy'])),
    clear: async (ctx) => void (await dockerExec(ctx.victim, ['pkill', '-CONT', '-x', 'kube-proxy'])),
    failing: async (ctx) => [`${SLUG}/converged/${ctx.victim}`],
  },
};
