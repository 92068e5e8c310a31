import type { NodeAddressType, NodeDiscovery } from './types.js';

/** One row of the NODE_ADDRESSES jq program's output. */
export type NodeAddressRow =
  | { name: string; address: string; addressType: NodeAddressType }
  | { name: string; address: null; addressType: null; typesSeen: string[] };

export function toNodeDiscovery(rows: readonly NodeAddressRow[], only?: NodeAddressType): NodeDiscovery {
  const discovery: NodeDiscovery = { addressed: [], unaddressed: [] };
  for (const row of rows) {
    if (row.address !== null) {
      discovery.addressed.push({ name: row.name, address: row.address, addressType: row.addressType });
    } else {
      const seen = row.typesSeen.length > 0 ? `it has only ${row.typesSeen.join(', ')}` : 'it has no addresses';
      discovery.unaddressed.push({ name: row.name, reason: `no usable ${only ?? 'ExternalIP or InternalIP'} (${seen})` });
    }
  }
  return discovery;
}
