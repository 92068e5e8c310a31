/**
 * How long a proxy may take to follow a change of Services or endpoints: upstream's e2e bound
 * (KubeProxyEndpointLagTimeout, 30 s). Every wait on the proxy, and every convergence check,
 * uses it.
 */
export const PROXY_PROGRAMMING_TIMEOUT_MS = 30_000;
