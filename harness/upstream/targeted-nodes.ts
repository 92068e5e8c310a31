import type { NodeAddress } from '../queries/types.js';

/**
 * Which nodes a test sent traffic to by address: the nodes whose address appears in a command the
 * test ran in a pod (`kubectl exec ... nc/curl/agnhost connect <address> <port>`). Traffic sent to
 * a ClusterIP or a pod IP names no node and is not counted.
 */
export function targetedNodes(output: string, nodes: readonly NodeAddress[]): string[] {
  const commands = output.split('\n').filter((line) => /\bexec\b/.test(line) && /\b(nc|curl|connect)\b/.test(line));
  const hit = new Set<string>();
  for (const node of nodes) {
    const address = new RegExp(`(^|[^\\d.])${node.address.replace(/\./g, '\\.')}([^\\d.]|$)`);
    if (commands.some((line) => address.test(line))) hit.add(node.name);
  }
  return [...hit].sort();
}
