import type { Kubectl } from '../kube/kubectl.js';
import { run } from '../util/exec.js';
import type { NodeContainer } from './docker.js';
import { canonicalImageName } from './image-name.js';
import { rememberDigests, rememberedDigests } from './image-digests.js';
import { recentLoads, rememberLoad } from './image-loads.js';

interface NodeImages {
  items?: { metadata: { name: string }; status?: { images?: { names?: string[] }[] } }[];
}

/**
 * Loads the local image `ref` into these kind node containers with `load` (`kind load
 * docker-image`), unless every one of them already holds it with the same image id: loading it
 * again would copy the same bytes into every node.
 */
export async function loadImageUnlessHeld(nodes: readonly NodeContainer[], ref: string, load: () => Promise<void>, kubectl?: Kubectl): Promise<void> {
  const local = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { check: false });
  const id = local.exitCode === 0 ? local.stdout.trim() : undefined;
  if (id && (await nodesHoldImage(nodes, ref, id, kubectl))) return;
  await load();
  if (id) rememberLoad(nodes.map((n) => n.id), ref, id);
}

/**
 * Whether every node holds image `id` under `ref`, asked of what costs least first; a `docker
 * exec` costs about 0.5 s of this host's CPU, just when certify's start is short of it.
 * - This host's own recent load into the node container (image-loads.ts): kubelet lists a new
 *   image in the node's status only some tens of seconds later.
 * - The node's status, through `kubectl` when given. A node lists each image with its tags and
 *   repository digests, the 50 largest, as of its last status update. The image id is not in
 *   that list, so the digest that `kind load` gave this id is learned once from crictl, which
 *   shows both, and remembered. A node whose status names `ref` and a remembered digest in the
 *   same image holds this image under `ref`.
 * - Anything less (no status, no remembered digest, a truncated list) is asked of crictl in that
 *   node.
 * An image removed since (kubelet does so only under disk pressure) fails the rollout, naming
 * the image.
 */
async function nodesHoldImage(nodes: readonly NodeContainer[], ref: string, id: string, kubectl?: Kubectl): Promise<boolean> {
  if (nodes.length === 0) return false;
  const recent = recentLoads(nodes.map((node) => node.id), ref);
  if (recent.some((image) => image !== undefined && image !== id)) return false;
  let unsure = nodes.filter((_, i) => recent[i] !== id);
  if (unsure.length === 0) return true;
  const digests = rememberedDigests(id);
  if (kubectl && digests.length > 0) {
    const status = await kubectl.jsonIfAny<NodeImages>(['get', 'nodes']);
    unsure = unsure.filter((node) => !statusListsImage(status, [node.name], ref, digests));
    if (unsure.length === 0) return true;
  }
  const held = await Promise.all(unsure.map((node) => crictlImage(node.name, ref)));
  if (!held.every((h) => h?.id === id)) return false;
  rememberDigests(id, held.flatMap((h) => h?.digests ?? []));
  return true;
}

/** Whether each node's status lists one image named both `ref` and `@<digest>` for one of `digests`. */
export function statusListsImage(list: NodeImages | undefined, nodes: readonly string[], ref: string, digests: readonly string[]): boolean {
  if (!list?.items || digests.length === 0) return false;
  const name = canonicalImageName(ref);
  const byNode = new Map(list.items.map((n) => [n.metadata.name, n.status?.images ?? []]));
  return nodes.every((node) =>
    (byNode.get(node) ?? []).some((image) => {
      const names = image.names ?? [];
      return names.includes(name) && names.some((n) => digests.some((d) => n.endsWith(`@${d}`)));
    }),
  );
}

async function crictlImage(node: string, ref: string): Promise<{ id: string; digests: string[] } | undefined> {
  const template = '{{.status.id}}{{range .status.repoDigests}} {{.}}{{end}}';
  const { exitCode, stdout } = await run('docker', ['exec', node, 'crictl', 'inspecti', '-o', 'go-template', '--template', template, ref], { check: false });
  if (exitCode !== 0) return undefined;
  const [id = '', ...repoDigests] = stdout.trim().split(/\s+/);
  return { id, digests: repoDigests.map((d) => d.slice(d.indexOf('@') + 1)).filter((d) => d.startsWith('sha256:')) };
}
