import type { Kubectl } from './kubectl.js';

interface ServiceList {
  items: {
    metadata: { namespace?: string };
    spec?: { externalIPs?: string[] };
    status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
  }[];
}

/** The external and load-balancer IPs that Services of other namespaces hold, across the cluster. */
export async function virtualIpsHeldOutside(kubectl: Kubectl, namespace: string): Promise<string[]> {
  const services = await kubectl.json<ServiceList>(['get', 'services', '--all-namespaces']);
  return services.items
    .filter((s) => s.metadata.namespace !== namespace)
    .flatMap((s) => [...(s.spec?.externalIPs ?? []), ...(s.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []))]);
}
