import type { Kubectl } from '../kube/kubectl.js';

/** The kubernetes Service, which every in-cluster client of the API server uses, and where it must lead. */
export interface ApiServerService {
  clusterIP: string;
  port: number;
  /** address:port of the API server(s) behind it. */
  endpoints: string[];
}

export async function readApiServerService(kubectl: Kubectl): Promise<ApiServerService> {
  const service = await kubectl.json<{ spec: { clusterIP: string; ports: { port: number }[] } }>(['get', 'service', 'kubernetes'], { namespace: 'default' });
  const slices = await kubectl.json<{ items: { endpoints?: { addresses: string[] }[]; ports?: { port?: number }[] }[] }>(
    ['get', 'endpointslices', '--selector', 'kubernetes.io/service-name=kubernetes'],
    { namespace: 'default' },
  );
  const endpoints = slices.items.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses.map((a) => `${a}:${s.ports?.[0]?.port ?? '?'}`)));
  return { clusterIP: service.spec.clusterIP, port: service.spec.ports[0]?.port ?? 443, endpoints };
}

/**
 * What `cluster:up --proxy-mode none` tells the user once the cluster is up: what their proxy must
 * do, and how to install and certify it.
 */
export function proxylessNextSteps(cluster: string, kubeconfig: string, api: ApiServerService): string[] {
  return [
    'no service proxy runs: Services (ClusterIP and NodePort) do not forward yet, and CoreDNS waits for one',
    'your proxy must:',
    '  - run on every node: a DaemonSet that tolerates every taint (hostNetwork, privileged for iptables/nftables)',
    '  - reach the API server without a ClusterIP: no Service forwards until it runs; e.g. the server of /etc/kubernetes/kubelet.conf on each node, resolved with dnsPolicy: Default',
    `  - program the kubernetes Service first (${api.clusterIP}:${api.port} -> ${api.endpoints.join(', ') || 'the API server'}): CoreDNS and every in-cluster client need it`,
    '  - program every Service: ClusterIPs and NodePorts on every node, to every ready endpoint',
    'then, installed by certify and removed after the run:',
    `  npm run certify -- --name ${cluster} --reuse --proxy-manifest your-proxy.yaml`,
    'or installed by you:',
    `  kubectl --kubeconfig ${kubeconfig} apply -f your-proxy.yaml`,
    `  npm run certify -- --kubeconfig ${kubeconfig}`,
    'an example to start from: examples/kube-proxy-v1.33/ (its image: npm run build:example-proxies)',
  ];
}
