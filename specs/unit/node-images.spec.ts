import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { canonicalImageName } from '../../harness/cluster/image-name.js';
import { rememberDigests, rememberedDigests } from '../../harness/cluster/image-digests.js';
import { LOAD_TRUSTED_MS, recentLoads, rememberLoad } from '../../harness/cluster/image-loads.js';
import { statusListsImage } from '../../harness/cluster/node-images.js';
import { useScratchCacheDir } from '../support/scratch-cache-dir.js';

const REF = 'kube-proxy-conformance/helloworld:0.1.0';
const DIGEST = 'sha256:c9af805351f469fbb690e317a63176b3b7773ff654e2c40ea291119c1e90cb86';
const OTHER = 'sha256:0000000000000000000000000000000000000000000000000000000000000000';

/** A node's status as kubelet writes it after `kind load`: one image, its tag and its import digest. */
function node(name: string, ...images: string[][]) {
  return { metadata: { name }, status: { images: images.map((names) => ({ names, sizeBytes: 1 })) } };
}
const loaded = [`docker.io/${REF}`, `docker.io/library/import-2026-12-01@${DIGEST}`];

test.describe('which image a node holds, from its status', () => {
  test('image names as kubelet lists them', () => {
    expect(canonicalImageName('nginx')).toBe('docker.io/library/nginx:latest');
    expect(canonicalImageName('nginx:1.27')).toBe('docker.io/library/nginx:1.27');
    expect(canonicalImageName(REF)).toBe(`docker.io/${REF}`);
    expect(canonicalImageName('registry.k8s.io/kube-proxy:v1.34.4')).toBe('registry.k8s.io/kube-proxy:v1.34.4');
    expect(canonicalImageName('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(canonicalImageName(`kpc/proxy@${DIGEST}`)).toBe(`docker.io/kpc/proxy@${DIGEST}`);
  });

  test('every node must list the tag and a remembered digest in one image', () => {
    const nodes = ['n1', 'n2'];
    expect(statusListsImage({ items: [node('n1', loaded), node('n2', loaded)] }, nodes, REF, [DIGEST])).toBe(true);
    // One node without it, or with the tag on another image than the digest: ask crictl.
    expect(statusListsImage({ items: [node('n1', loaded), node('n2')] }, nodes, REF, [DIGEST])).toBe(false);
    expect(statusListsImage({ items: [node('n1', loaded), node('n2', [`docker.io/${REF}`], [`x@${DIGEST}`])] }, nodes, REF, [DIGEST])).toBe(false);
    // A digest of another build, or none remembered yet.
    expect(statusListsImage({ items: [node('n1', loaded), node('n2', loaded)] }, nodes, REF, [OTHER])).toBe(false);
    expect(statusListsImage({ items: [node('n1', loaded), node('n2', loaded)] }, nodes, REF, [])).toBe(false);
    // A node the list does not have (its status is not known), or no list at all.
    expect(statusListsImage({ items: [node('n1', loaded)] }, nodes, REF, [DIGEST])).toBe(false);
    expect(statusListsImage(undefined, nodes, REF, [DIGEST])).toBe(false);
  });
});

test.describe('what nodes were seen or made to hold, kept in the cache', () => {
  const dir = useScratchCacheDir();

  test('digests are remembered per image id, and a damaged cache is an empty one', () => {
    expect(rememberedDigests('sha256:a')).toEqual([]);
    rememberDigests('sha256:a', [DIGEST, DIGEST]);
    rememberDigests('sha256:b', [OTHER]);
    rememberDigests('sha256:a', [OTHER]);
    expect(rememberedDigests('sha256:a')).toEqual([DIGEST, OTHER]);
    expect(rememberedDigests('sha256:b')).toEqual([OTHER]);
    writeFileSync(path.join(dir(), 'node-image-digests.json'), '{not json');
    expect(rememberedDigests('sha256:a')).toEqual([]);
    // An entry that is not a list is no digest, and remembering over it replaces it.
    writeFileSync(path.join(dir(), 'node-image-digests.json'), '{"sha256:a": 5}');
    expect(rememberedDigests('sha256:a')).toEqual([]);
    rememberDigests('sha256:a', [DIGEST]);
    expect(rememberedDigests('sha256:a')).toEqual([DIGEST]);
  });

  test("this host's load into a node container is what it holds for two minutes, then no longer known", () => {
    const recentLoad = (container: string, ref: string, now: number) => recentLoads([container], ref, now)[0];
    const at = 1_000_000;
    rememberLoad(['c1', 'c2'], REF, 'sha256:a', at);
    expect(recentLoad('c1', REF, at + 1)).toBe('sha256:a');
    expect(recentLoad('c2', REF, at + LOAD_TRUSTED_MS - 1)).toBe('sha256:a');
    // Past the window kubelet may have collected it, and the status lists what the node holds.
    expect(recentLoad('c1', REF, at + LOAD_TRUSTED_MS)).toBeUndefined();
    // Another tag, another container (a node made again), or a clock that went back.
    expect(recentLoad('c1', 'nginx:latest', at + 1)).toBeUndefined();
    expect(recentLoad('c3', REF, at + 1)).toBeUndefined();
    expect(recentLoad('c1', REF, at - 1)).toBeUndefined();
    // A later load under the same tag replaces it; another tag's load is kept beside it.
    rememberLoad(['c1'], REF, 'sha256:b', at + 10);
    rememberLoad(['c1'], 'nginx:latest', 'sha256:n', at + 20);
    expect(recentLoad('c1', REF, at + 30)).toBe('sha256:b');
    expect(recentLoad('c1', 'nginx:latest', at + 30)).toBe('sha256:n');
    expect(recentLoad('c2', REF, at + 30)).toBe('sha256:a');
    expect(recentLoads(['c1', 'c2', 'c3'], REF, at + 30)).toEqual(['sha256:b', 'sha256:a', undefined]);
    writeFileSync(path.join(dir(), 'node-image-loads.json'), '{"c1": {"' + REF + '": {"image": 5, "at": "x"}}}');
    expect(recentLoad('c1', REF, at + 30)).toBeUndefined();
  });
});
