export * from './jq-programs.js';
export { JqRunner, type JsonDocument } from './jq-runner.js';
export { JqQueryError } from './jq-query-error.js';
export { readProxyMode } from './proxy-mode.js';
export { toNodeDiscovery, type NodeAddressRow } from './node-addresses.js';
export { toEndpointDiscovery, type EndpointRow } from './endpoints.js';
export type * from './types.js';
