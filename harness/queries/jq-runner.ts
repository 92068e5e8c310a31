import { JqError, loadJq, type Jq, type JqInput } from 'jq-wasm';
import { toEndpointDiscovery, type EndpointRow } from './endpoints.js';
import { JqQueryError } from './jq-query-error.js';
import {
  ENDPOINT_SLICE_ENDPOINTS,
  KUBE_PROXY_CONFIG_TEXT,
  LAB_FIRST_NODE_EXTERNAL_IP,
  LAB_NODE_PORT,
  NODE_ADDRESSES,
  nodeAddressesProgram,
  SERVICE_SUMMARY,
} from './jq-programs.js';
import { toNodeDiscovery, type NodeAddressRow } from './node-addresses.js';
import { readProxyMode } from './proxy-mode.js';
import type { EndpointDiscovery, NodeAddressType, NodeDiscovery, ProxyModeReading, ServiceSummary } from './types.js';

/** Parsed JSON (for example kubectl's output) or its text; strings are read as JSON text by jq. */
export type JsonDocument = unknown;

function toInput(value: JsonDocument): JqInput {
  if (value === null || ['string', 'number', 'boolean', 'object'].includes(typeof value)) return value as JqInput;
  throw new TypeError(`jq input must be JSON, got ${typeof value}`);
}

/** jq-wasm loaded once per process; all queries after `load()` are synchronous. */
export class JqRunner {
  private static shared: Promise<JqRunner> | undefined;

  private constructor(private readonly jq: Jq) {}

  static load(): Promise<JqRunner> {
    JqRunner.shared ??= loadJq().then(
      (jq) => new JqRunner(jq),
      (error: unknown) => {
        JqRunner.shared = undefined; // let a later call try again
        throw error;
      },
    );
    return JqRunner.shared;
  }

  get version(): string {
    return this.jq.version;
  }

  /** Every output of `query`; `name` labels errors. Input strings are taken as JSON text. */
  all<T>(input: JsonDocument, query: string, name = 'query'): T[] {
    try {
      return this.jq.json<T>(toInput(input), query);
    } catch (error) {
      if (error instanceof JqError) throw new JqQueryError(name, query, error.stderr, { cause: error });
      throw error;
    }
  }

  first<T>(input: JsonDocument, query: string, name = 'query'): T | undefined {
    return this.all<T>(input, query, name)[0];
  }

  /** The lab's program as written: every ExternalIP of the first node (none on kind). */
  labFirstNodeExternalIps(nodeList: JsonDocument): string[] {
    return this.all<string>(nodeList, LAB_FIRST_NODE_EXTERNAL_IP, 'LAB_FIRST_NODE_EXTERNAL_IP');
  }

  labNodePort(service: JsonDocument): number | null {
    return this.first<number | null>(service, LAB_NODE_PORT, 'LAB_NODE_PORT') ?? null;
  }

  /** Every node's address to send to: ExternalIP before InternalIP, or only the type given (--address-type). */
  nodeAddresses(nodeList: JsonDocument, only?: NodeAddressType): NodeDiscovery {
    const program = only ? nodeAddressesProgram(only) : NODE_ADDRESSES;
    return toNodeDiscovery(this.first<NodeAddressRow[]>(nodeList, program, 'NODE_ADDRESSES') ?? [], only);
  }

  endpoints(endpointSliceList: JsonDocument): EndpointDiscovery {
    return toEndpointDiscovery(this.first<EndpointRow[]>(endpointSliceList, ENDPOINT_SLICE_ENDPOINTS, 'ENDPOINT_SLICE_ENDPOINTS') ?? []);
  }

  service(service: JsonDocument): ServiceSummary {
    const summary = this.first<ServiceSummary>(service, SERVICE_SUMMARY, 'SERVICE_SUMMARY');
    if (!summary) throw new JqQueryError('SERVICE_SUMMARY', SERVICE_SUMMARY, 'no output');
    return summary;
  }

  /** Pass null when `kubectl -n kube-system get configmap kube-proxy` found nothing. */
  proxyMode(configMap: JsonDocument): ProxyModeReading {
    if (configMap === null) return readProxyMode(null);
    return readProxyMode(this.first<string | null>(configMap, KUBE_PROXY_CONFIG_TEXT, 'KUBE_PROXY_CONFIG_TEXT') ?? null);
  }
}
