import { EnvironmentGuard } from '../kube/environment-watch.js';
import type { Kubectl } from '../kube/kubectl.js';
import type { RequestRecord } from './request-record.js';
import type { TrafficClient } from './traffic-client.js';
import type { TrafficLane } from './traffic-lane.js';
import type { TrafficPlan } from './traffic-plan.js';
import type { Logger } from '../util/log.js';

export interface GuardedTraffic {
  kubectl: Kubectl;
  namespace: string;
  /** The app pods whose changes would make the measurement blame the proxy wrongly. */
  selector: string;
  client: TrafficClient;
  plan: TrafficPlan;
  log: Logger;
  /** How the progress lines name the traffic. */
  what: string;
  /** The run's lane: the burst waits there for the other features' bursts to end. */
  lane: TrafficLane;
}

/**
 * Sends a plan while the environment guard watches the nodes and the app's pods: a change aborts
 * the traffic and is thrown as an EnvironmentError (exit 2), never judged as a proxy fault.
 * Progress is logged every quarter. The burst takes its turn in the run's lane first.
 */
export function sendGuarded(traffic: GuardedTraffic): Promise<RequestRecord[]> {
  const { lane, log, what } = traffic;
  return lane.run(
    () => sendWatched(traffic),
    (ahead) => log.info(`${what}: waiting for ${ahead} other feature burst${ahead === 1 ? '' : 's'} to end`),
  );
}

async function sendWatched({ kubectl, namespace, selector, client, plan, log, what }: GuardedTraffic): Promise<RequestRecord[]> {
  const guard = new EnvironmentGuard(kubectl, namespace, selector);
  await guard.start();
  const stop = new AbortController();
  guard.watch((error) => stop.abort(error));
  try {
    const [unit, fresh] = plan.protocol === 'udp' ? ['datagrams', 'each from a new source port'] : ['requests', 'each on a new connection'];
    log.step(`sending ${plan.requestsPerNode} ${unit} to each of ${plan.targets.length} ${what} from the ${client.kind} client, ${fresh}`);
    let reported = 0;
    const records = await client
      .send(
        plan,
        (done, total) => {
          if (done === total || done - reported >= total / 4) {
            reported = done;
            log.info(`${done}/${total} requests`);
          }
        },
        stop.signal,
      )
      .catch((error: unknown) => {
        throw stop.signal.aborted ? stop.signal.reason : error;
      });
    await guard.finish();
    return records;
  } finally {
    await guard.stop();
  }
}
