import { nftFault, serviceFacts } from '../../faults/feature-fault.js';
import { APP_PORT } from '../../lab/helloworld-lab.js';
import type { Feature } from '../feature.js';
import { ALT_PORT, MULTI_PORT_SERVICE, multiPortSteps, SLUG } from './steps.js';

/** A Service with two ports: every node sends each port to its own target port, on every endpoint. */
export const multiPort: Feature = {
  id: 'MultiPort',
  slug: SLUG,
  level: 'core',
  title: 'A Service with two ports, through every node',
  description:
    "The app serves its API on two container ports behind a NodePort Service with two ports: the first targets the container port by name under another number (80 -> http-server, 8080), the second targets the app's second port by number under the first one's container port number (8080 -> 9090). Through every node's nodePort of each Service port, each request on a new connection: every node must forward every request to a ready endpoint, reach every endpoint and spread evenly, and every answer must come in on that port's own container port.",
  statistical: true,
  sizedByRunShape: true,
  untestable: () => null,
  steps: multiPortSteps,
  fault: nftFault(
    "sends the second Service port's NodePort connections to the first port's container port",
    async (ctx) => {
      const { endpoints } = await serviceFacts(ctx, MULTI_PORT_SERVICE);
      const nodePort = await secondNodePort(ctx.kubectl, ctx.namespace);
      return { kind: 'skew', weights: endpoints.map((endpoint) => ({ endpoint, weight: 1 })), matches: [{ kind: 'node-port', port: nodePort }] };
    },
    async (ctx) => [`${SLUG}/alt-target-port/${ctx.victim}`],
    { targetPort: APP_PORT },
  ),
};

async function secondNodePort(kubectl: Parameters<typeof serviceFacts>[0]['kubectl'], namespace: string): Promise<number> {
  const service = await kubectl.json<{ spec: { ports: { name: string; nodePort?: number }[] } }>(['get', 'service', MULTI_PORT_SERVICE], { namespace });
  const alt = service.spec.ports.find((p) => p.name === 'alt')?.nodePort;
  if (!alt) throw new Error(`${MULTI_PORT_SERVICE} has no nodePort for its port alt (to ${ALT_PORT})`);
  return alt;
}
