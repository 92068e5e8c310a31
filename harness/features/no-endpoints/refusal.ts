import type { RequestRecord } from '../../traffic/request-record.js';
import { clientStalled } from '../../traffic/traffic-matrix.js';

/**
 * A refusal is the kernel answering the SYN: a TCP reset or an ICMP unreachable (ECONNREFUSED,
 * EHOSTUNREACH, ENETUNREACH), where a dropping proxy leaves the connection to time out.
 *
 * An ICMP refusal is rate-limited by the node's kernel, per destination: a burst of 6, then one per
 * net.ipv4.icmp_ratelimit (1000 ms by default). Measured on a kind node here: 30 connections in a
 * row to a NodePort with no endpoints, the first 6 refused in 0 ms, every later one only on the
 * SYN's first retransmission, 1.02 s after. So a correct proxy's refusal arrives on the first SYN
 * or on its retransmission at 1 s; the next retransmission leaves at 3 s. "At once" is therefore
 * under 3 s: an answer to the third SYN cannot be timed under 3 s, so a drop of the first two never
 * passes, and a busy client, which only adds to what it times, has 2 s after the retransmission
 * before it fails a correct proxy (docs/benchmarks.md: the slowest refusal timed with every
 * feature running side by side). It is also each probe's timeout.
 */
export const REFUSED_WITHIN_MS = 3_000;

/**
 * Probes of one path are spaced by more than the ICMP rate (1 s), so that a correct proxy's
 * refusals are mostly immediate and the figures show the proxy's time, not the kernel's limit.
 */
export const REFUSAL_PROBE_SPACING_MS = 1_100;

/**
 * Why NodePort refusals are probed from a source address no other feature uses: a node keeps one
 * record per source address for both the ICMP error rate limit and its ICMP redirects. A node that
 * forwards a client's NodePort connection to a pod on another node sends it back out the interface
 * it came in on, so it redirects that client; after 9 redirects every further forwarded packet
 * restarts the record's clock, and the ICMP error budget of that address stops refilling. Measured
 * here: while a host loop sent 30 NodePort requests/s through the nodes, a correct kube-proxy's
 * refusals to the same host address stopped for 30 s (IcmpOutRateLimitHost counting up), while a
 * container of its own was refused at once. Features running beside NoEndpoints send exactly such
 * traffic, so a shared address fails a correct proxy.
 */
export const OWN_SOURCE_ADDRESS_REASON = 'NodePort refusals are probed from a container of their own: a node starves ICMP errors to a source address whose traffic it also forwards (docs/benchmarks.md)';

export function isRefusal(record: RequestRecord): boolean {
  return record.status === null && /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH)\b/.test(record.error ?? '') && record.latencyMs < REFUSED_WITHIN_MS;
}

export function describeOutcome(record: RequestRecord | null): string {
  if (!record) return 'no probe answered';
  if (record.status !== null) return `HTTP ${record.status} from ${record.pod ?? 'an unnamed pod'}: still forwarded`;
  if (clientStalled(record)) return record.error!;
  if (/timeout|ETIMEDOUT|ECONNABORTED/.test(record.error ?? '')) return `no answer within ${Math.round(record.latencyMs)} ms: dropped, not refused`;
  return `${record.error} after ${Math.round(record.latencyMs)} ms`;
}
