export type NodeAddressType = 'ExternalIP' | 'InternalIP';

export interface NodeAddress {
  name: string;
  address: string;
  addressType: NodeAddressType;
}

/** A node the harness cannot send to; reported, never silently dropped. */
export interface UnaddressedNode {
  name: string;
  reason: string;
}

export interface NodeDiscovery {
  addressed: NodeAddress[];
  unaddressed: UnaddressedNode[];
}

export interface Endpoint {
  pod: string;
  ip: string;
  node: string;
}

/** A slice entry lacking what the harness needs to match responses: a Pod targetRef, an address or a nodeName. */
export interface IncompleteEndpoint {
  pod: string | null;
  ip: string | null;
  node: string | null;
  ready: boolean;
}

export interface EndpointDiscovery {
  /** Sorted by pod name. */
  ready: Endpoint[];
  notReady: Endpoint[];
  incomplete: IncompleteEndpoint[];
}

export interface ServicePort {
  name: string | null;
  protocol: string;
  port: number;
  targetPort: number | string;
  nodePort: number | null;
}

export interface ServiceSummary {
  namespace: string;
  name: string;
  type: string;
  externalTrafficPolicy: 'Cluster' | 'Local';
  /** The first port's NodePort, as in the lab; null if the service has none. */
  nodePort: number | null;
  ports: ServicePort[];
}

/** The modes kube-proxy runs in on Linux: the one list the harness knows them by. */
export const KUBE_PROXY_MODES = ['iptables', 'nftables', 'ipvs'] as const;
export type KubeProxyMode = (typeof KUBE_PROXY_MODES)[number];
export type DetectedProxyMode = KubeProxyMode | 'none' | 'unknown';

export interface ProxyModeReading {
  mode: DetectedProxyMode;
  /** The `mode` value as written in config.conf; null if there was none to read. */
  configured: string | null;
  /** Why the mode is what it is, when that is not just "configured so". */
  note: string | null;
}
