import { PROXY_PROGRAMMING_TIMEOUT_MS } from '../../kube/bounds.js';
import type { CheckLine } from '../../report/report-types.js';
import type { Convergence } from '../../traffic/await-programmed.js';
import type { RequestRecord } from '../../traffic/request-record.js';
import type { PlainRequest } from '../../traffic/traffic-plan.js';

/** What is asked of a healthCheckNodePort: kube-proxy answers any path; load balancers ask "/". */
export const HEALTH_REQUEST: PlainRequest = { method: 'GET', path: '/' };

/**
 * What a node's healthCheckNodePort must answer: 200 while the node holds ready endpoints of the
 * Service, 503 when it holds none (so a load balancer sends it nothing), and in both cases the
 * count in `localEndpoints`, as kube-proxy's JSON body carries it.
 */
export function expectedHealth(local: number): { status: 200 | 503; localEndpoints: number } {
  return { status: local > 0 ? 200 : 503, localEndpoints: local };
}

/** The `localEndpoints` count of a health check reply, or null when it has none. */
export function localEndpointsOf(reply: unknown): number | null {
  if (typeof reply !== 'object' || reply === null || !('localEndpoints' in reply)) return null;
  const count: unknown = reply.localEndpoints;
  return typeof count === 'number' && Number.isInteger(count) ? count : null;
}

export function healthAsExpected(record: RequestRecord, local: number): boolean {
  const expected = expectedHealth(local);
  return record.status === expected.status && localEndpointsOf(record.reply) === expected.localEndpoints;
}

export function describeHealth(record: RequestRecord | null): string {
  if (!record) return 'no probe was answered';
  if (record.status === null) return `no answer (${record.error ?? 'unknown error'})`;
  const count = localEndpointsOf(record.reply);
  // kube-proxy also answers 503 while it thinks itself unhealthy (a sync is overdue), whatever the count.
  const unhealthy = typeof record.reply === 'object' && record.reply !== null && 'serviceProxyHealthy' in record.reply && record.reply.serviceProxyHealthy === false;
  return `HTTP ${record.status} ${count === null ? 'without a localEndpoints count' : `with localEndpoints ${count}`}${unhealthy ? ' (serviceProxyHealthy false)' : ''}`;
}

/** One node's health check: `converged` is when it first answered as expected for `local` endpoints. */
export function healthCheck(id: string, label: string, converged: Convergence, local: number): CheckLine {
  const base = { id, node: converged.node, endpoint: null };
  const expected = expectedHealth(local);
  const holds = local > 0 ? `the node holds ${local} endpoint${local === 1 ? '' : 's'}` : 'the node holds no endpoint';
  if (converged.afterMs !== null) {
    return { ...base, status: 'pass', message: `${label}: ${describeHealth(converged.last)}, as ${holds} (answered so after ${(converged.afterMs / 1000).toFixed(1)} s)` };
  }
  return {
    ...base,
    status: 'fail',
    message: `${label}: expected HTTP ${expected.status} with localEndpoints ${expected.localEndpoints} (${holds}) within ${PROXY_PROGRAMMING_TIMEOUT_MS / 1000} s; last: ${describeHealth(converged.last)}`,
  };
}
