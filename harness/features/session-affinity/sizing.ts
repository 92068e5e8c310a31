/**
 * How many clients, and how many requests each, the SessionAffinityClientIP feature needs.
 *
 * Clients: a proxy that keeps ClientIP affinity still picks each new client's endpoint at random
 * (uniformly over k endpoints), independently per node. Through one node, all N clients land on
 * the same endpoint by luck with probability k * (1/k)^N = (1/k)^(N-1); over the nodes (a union
 * bound) with nodes * (1/k)^(N-1). The spread check fails exactly then, so N is the smallest
 * count that keeps that false alarm within the feature's alpha: with k = 3 and alpha 0.0005,
 * 9 clients for 3 nodes and 10 for 4 (nodes * (1/3)^8 = 4.6e-4 and 6.1e-4).
 *
 * Requests per client: a sticky proxy never moves a client, so the sticky check has no false
 * alarm; the count bounds the opposite error, a proxy that does not stick looking as if it did.
 * Were it to pick at random for every connection, one client would see the same endpoint R times
 * in a row with probability (1/k)^(R-1). R is the smallest count that keeps the chance that ANY of
 * the N x nodes (client, node) rows looks sticky by luck within alpha: nodes * N * (1/k)^(R-1) <=
 * alpha, so that every row of the stickiness table is evidence on its own, not only the node's
 * verdict. Upstream's e2e asks one client for 15 identical answers in a row ((1/3)^14 = 2e-7 for
 * that client); with 10 clients through 4 nodes and alpha 0.0005 this gives 12 (40 * (1/3)^11 = 2.3e-4).
 */

/** Smallest n >= from with chance(n) <= alpha (chance decreasing in n). */
function smallest(from: number, chance: (n: number) => number, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  let n = from;
  while (chance(n) > alpha) n++;
  return n;
}

/** Clients with distinct source addresses: nodes * (1/k)^(N-1) <= alpha. */
export function affinityClients(endpoints: number, nodes: number, alpha: number): number {
  if (endpoints < 2) throw new RangeError(`session affinity needs at least 2 endpoints to tell, got ${endpoints}`);
  return smallest(2, (n) => spreadFalseAlarm(endpoints, nodes, n), alpha);
}

/** Requests per client through each node: nodes * clients * (1/k)^(R-1) <= alpha. */
export function requestsPerClient(endpoints: number, nodes: number, clients: number, alpha: number): number {
  if (endpoints < 2) throw new RangeError(`session affinity needs at least 2 endpoints to tell, got ${endpoints}`);
  return smallest(2, (r) => nodes * clients * (1 / endpoints) ** (r - 1), alpha);
}

/** The chance that, through some node, every one of `clients` random picks is the same endpoint. */
export function spreadFalseAlarm(endpoints: number, nodes: number, clients: number): number {
  return nodes * (1 / endpoints) ** (clients - 1);
}
