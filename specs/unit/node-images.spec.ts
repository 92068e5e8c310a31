import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { canonicalImageName } from '../../harness/cluster/image-name.js';
import { rememberDigests, rememberedDigests } from '../../harness/cluster/image-digests.js';
import { statusListsImage } from '../../harness/cluster/node-images.js';

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

  test('digests are remembered per image id, and a damaged cache is an empty one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kpc-digests-'));
    const before = process.env.KPC_CACHE_DIR;
    process.env.KPC_CACHE_DIR = dir;
    try {
      expect(rememberedDigests('sha256:a')).toEqual([]);
      rememberDigests('sha256:a', [DIGEST, DIGEST]);
      rememberDigests('sha256:b', [OTHER]);
      rememberDigests('sha256:a', [OTHER]);
      expect(rememberedDigests('sha256:a')).toEqual([DIGEST, OTHER]);
      expect(rememberedDigests('sha256:b')).toEqual([OTHER]);
      writeFileSync(path.join(dir, 'node-image-digests.json'), '{not json');
      expect(rememberedDigests('sha256:a')).toEqual([]);
      // An entry that is not a list is no digest, and remembering over it replaces it.
      writeFileSync(path.join(dir, 'node-image-digests.json'), '{"sha256:a": 5}');
      expect(rememberedDigests('sha256:a')).toEqual([]);
      rememberDigests('sha256:a', [DIGEST]);
      expect(rememberedDigests('sha256:a')).toEqual([DIGEST]);
    } finally {
      if (before === undefined) delete process.env.KPC_CACHE_DIR;
      else process.env.KPC_CACHE_DIR = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
