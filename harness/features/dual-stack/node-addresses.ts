import type { Kubectl } from '../../kube/kubectl.js';

interface NodeAddresses {
  items: { metadata: { name: string }; status?: { addresses?: { type: string; address: string }[] } }[];
}

/** Each node's first IPv6 InternalIP, by node name (nodes without one are left out). */
export async function ipv6InternalIps(kubectl: Kubectl): Promise<Map<string, string>> {
  const nodes = await kubectl.json<NodeAddresses>(['get', 'nodes']);
  return new Map(
    nodes.items.flatMap((n) => {
      const v6 = (n.status?.addresses ?? []).find((a) => a.type === 'InternalIP' && a.address.includes(':'));
      return v6 ? [[n.metadata.name, v6.address] as const] : [];
    }),
  );
}
