import type { CheckLine } from '../../report/report-types.js';
import type { RequestRecord } from '../../traffic/request-record.js';

/** One port of the Service: its name, the nodePort it got, and the container port it must reach. */
export interface ServicePort {
  name: string;
  nodePort: number;
  containerPort: number;
}

/**
 * Passes when every answer through the node's nodePort came in on the container port the
 * Service's targetPort names; an answer from another port (or one that does not say) fails it.
 */
export function targetPortCheck(id: string, node: string, port: ServicePort, records: readonly RequestRecord[]): CheckLine {
  const base = { id, node, endpoint: null };
  const answered = records.filter((r) => r.node === node && r.pod !== null);
  const label = `node ${node}, nodePort ${port.nodePort} (Service port ${port.name})`;
  if (answered.length === 0) return { ...base, status: 'skip', message: `${label}: no answer to tell the port by` };
  const wrong = answered.filter((r) => r.servedPort !== port.containerPort);
  if (wrong.length === 0) return { ...base, status: 'pass', message: `${label}: all ${answered.length} answers came in on container port ${port.containerPort}` };
  const seen = new Map<string, number>();
  for (const r of wrong) seen.set(String(r.servedPort ?? 'not said'), (seen.get(String(r.servedPort ?? 'not said')) ?? 0) + 1);
  const by = [...seen].map(([p, n]) => `${n} on ${p}`).join(', ');
  return { ...base, status: 'fail', message: `${label}: ${wrong.length} of ${answered.length} answers came in on another container port than ${port.containerPort} (${by}): the proxy must send each Service port to its own targetPort` };
}

/** The container port a targetPort names: a number as is, a name as the pod spec's ports say. */
export function containerPortOf(targetPort: number | string, containerPorts: readonly { name?: string; containerPort: number }[]): number {
  if (typeof targetPort === 'number') return targetPort;
  const port = containerPorts.find((p) => p.name === targetPort);
  if (!port) throw new Error(`no container port is named ${targetPort} (${containerPorts.map((p) => p.name ?? p.containerPort).join(', ')})`);
  return port.containerPort;
}
