import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { yaml } from '../util/yaml.js';
import { UsageError } from '../util/errors.js';

/** One Kubernetes object of a proxy's manifests, as written, with where it came from. */
export interface ManifestObject {
  file: string;
  /** 1-based position of the YAML document in its file. */
  document: number;
  apiVersion: string;
  kind: string;
  name: string;
  /** As written; undefined for cluster-scoped objects and for namespaced ones left to the default. */
  namespace: string | undefined;
  object: Record<string, unknown>;
}

/** A DaemonSet of the proxy: what must become ready on every node it targets. */
export interface ProxyDaemonSet {
  namespace: string;
  name: string;
  file: string;
  /** Images of its containers and init containers, in order, without repeats. */
  images: string[];
  object: Record<string, unknown>;
}

export interface ProxyManifests {
  /** The --proxy-manifest argument, absolute. */
  source: string;
  files: string[];
  /** Every object, Namespaces and CustomResourceDefinitions first, then in file order (the order they are applied in). */
  objects: ManifestObject[];
  daemonSets: ProxyDaemonSet[];
  /** Every image the workloads (DaemonSets, Deployments, ...) use, without repeats: what the nodes need. */
  images: string[];
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
const FIX_NOT_MANIFEST = 'pass only Kubernetes manifests (YAML or JSON objects with apiVersion, kind and metadata.name)';
/** Applied before everything else, so objects in them or of their kinds can be created in the same run. */
const FIRST_KINDS = ['Namespace', 'CustomResourceDefinition'];

/**
 * Reads a proxy's manifests from a file, or from the .yaml/.yml/.json files directly in a
 * directory (sorted by name, not recursive: a directory of variants such as examples/x/nftables
 * and examples/x/iptables is one choice, not two proxies). Refuses, with a UsageError naming the
 * file and the fix, anything that is not a Kubernetes manifest or that holds no DaemonSet.
 */
export function readProxyManifests(source: string): ProxyManifests {
  const absolute = path.resolve(source);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    throw new UsageError(`proxy manifest ${absolute} does not exist`, 'pass --proxy-manifest with a YAML file or a directory of them');
  }
  let files: string[];
  if (stat.isDirectory()) {
    const entries = readdirSync(absolute, { withFileTypes: true });
    files = entries
      .filter((e) => e.isFile() && MANIFEST_EXTENSIONS.includes(path.extname(e.name).toLowerCase()))
      .map((e) => path.join(absolute, e.name))
      .sort();
    if (files.length === 0) {
      const dirs = entries.filter((e) => e.isDirectory()).map((e) => `${e.name}/`);
      const readme = entries.find((e) => e.isFile() && e.name.toLowerCase() === 'readme.md');
      throw new UsageError(
        `${absolute} holds no .yaml, .yml or .json files${dirs.length > 0 ? ` (only the directories ${dirs.join(', ')})` : ''}`,
        // A directory whose manifests are built (examples/cilium-kpr) says how in its README.
        readme ? `run what ${path.join(source, readme.name)} says to make them, or pass a directory that holds manifest files`
        : dirs.length > 0 ? `pass one of those directories, e.g. --proxy-manifest ${path.join(source, dirs[0]!)}` : 'pass a manifest file or a directory that holds manifest files',
      );
    }
  } else {
    files = [absolute];
  }
  return parseProxyManifests(
    absolute,
    files.map((file) => {
      try {
        return { file, text: readFileSync(file, 'utf8') };
      } catch (error) {
        throw new UsageError(`cannot read proxy manifest ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`, 'pass --proxy-manifest with a readable file');
      }
    }),
  );
}

/** The pure part of readProxyManifests: the files' texts to objects, DaemonSets and images. */
export function parseProxyManifests(source: string, files: readonly { file: string; text: string }[]): ProxyManifests {
  const objects: ManifestObject[] = [];
  for (const { file, text } of files) objects.push(...parseFile(file, text));
  if (objects.length === 0) {
    throw new UsageError(`${source} holds no Kubernetes objects`, FIX_NOT_MANIFEST);
  }
  const daemonSets: ProxyDaemonSet[] = [];
  for (const o of objects.filter((x) => x.kind === 'DaemonSet')) {
    if (o.apiVersion !== 'apps/v1') {
      throw new UsageError(`${where(o)}: DaemonSet ${o.name} has apiVersion ${o.apiVersion}`, 'use apiVersion apps/v1, the only DaemonSet API a current cluster serves');
    }
    const ds = { namespace: o.namespace ?? 'default', name: o.name, file: o.file, images: daemonSetImages(o), object: o.object };
    if (daemonSets.some((d) => d.namespace === ds.namespace && d.name === ds.name)) {
      throw new UsageError(`${where(o)}: DaemonSet ${ds.namespace}/${ds.name} is defined twice`, 'fix the manifests so that each DaemonSet is defined once');
    }
    daemonSets.push(ds);
  }
  if (daemonSets.length === 0) {
    const found = objects.slice(0, 5).map((o) => `${o.kind}/${o.name}`).join(', ');
    throw new UsageError(
      `${source} contains no DaemonSet (found ${found}${objects.length > 5 ? ', ...' : ''})`,
      'add the DaemonSet that runs your proxy on every node: a service proxy must run on each node it programs',
    );
  }
  const ordered = [...objects.filter((o) => FIRST_KINDS.includes(o.kind)), ...objects.filter((o) => !FIRST_KINDS.includes(o.kind))];
  const images = unique(objects.flatMap((o) => imagesOf(o.object)));
  return { source, files: files.map((f) => f.file), objects: ordered, daemonSets, images };
}

function parseFile(file: string, text: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  const documents = yaml().parseAllDocuments(text);
  if (!Array.isArray(documents)) return objects; // an empty stream
  documents.forEach((doc, i) => {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0].line;
      throw new UsageError(`${file} is not valid YAML (${line ? `line ${line}: ` : ''}${error.message.split('\n')[0]})`, 'fix the YAML, or pass the right file with --proxy-manifest');
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing ---
    objects.push(...toObjects(value, file, i + 1));
  });
  return objects;
}

/** One document: an object, or a List of them (what `kubectl get -o yaml` writes). */
function toObjects(value: unknown, file: string, document: number): ManifestObject[] {
  const place = `${file}, document ${document}`;
  if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || !value.apiVersion || !value.kind) {
    throw new UsageError(`${place}, is not a Kubernetes manifest (no apiVersion and kind)`, FIX_NOT_MANIFEST);
  }
  if (value.kind.endsWith('List') && Array.isArray(value.items)) {
    return value.items.flatMap((item) => toObjects(item, file, document));
  }
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  if (typeof metadata.name !== 'string' || metadata.name === '') {
    throw new UsageError(`${place}: the ${value.kind} has no metadata.name`, FIX_NOT_MANIFEST);
  }
  return [{
    file,
    document,
    apiVersion: value.apiVersion,
    kind: value.kind,
    name: metadata.name,
    namespace: typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : undefined,
    object: value,
  }];
}

/** The pod template's spec of a workload (DaemonSet, Deployment, StatefulSet, Job, ...); empty for other objects. */
function podSpecOf(object: Record<string, unknown>): Record<string, unknown> {
  return record(record(record(object.spec).template).spec);
}

/** The init containers and containers of a workload's pod template, in order. */
function containersOf(object: Record<string, unknown>): Record<string, unknown>[] {
  const spec = podSpecOf(object);
  return [spec.initContainers, spec.containers].flatMap((list) => (Array.isArray(list) ? list.map(record) : []));
}

/** The images a workload's containers name, in order. */
function imagesOf(object: Record<string, unknown>): string[] {
  return containersOf(object).flatMap((c) => (typeof c.image === 'string' && c.image !== '' ? [c.image] : []));
}

function daemonSetImages(o: ManifestObject): string[] {
  const images = imagesOf(o.object);
  if (images.length === 0) {
    throw new UsageError(`${where(o)}: DaemonSet ${o.name} has no container with an image`, 'fix the DaemonSet: spec.template.spec.containers[].image names the proxy image');
  }
  return unique(images);
}

const where = (o: ManifestObject) => `${o.file}, document ${o.document}`;
const unique = <T>(items: T[]) => [...new Set(items)];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as a record, or an empty one: for reading optional nested fields. */
export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/**
 * Where a DaemonSet that is the cluster's CNI plugin writes its network config: kubelet reads it
 * there (kind's own CNI, kindnet, is one such DaemonSet). A proxy whose DaemonSet mounts it from
 * the host is also the pod network (Cilium, Calico, kube-router), so the cluster boots without
 * kind's default CNI and its nodes become Ready only once that proxy runs.
 */
export const CNI_CONFIG_DIR = '/etc/cni/net.d';

/** The DaemonSets that mount the host's CNI config directory: non-empty when the proxy is the pod network. */
export function podNetworkDaemonSets(manifests: Pick<ProxyManifests, 'daemonSets'>): ProxyDaemonSet[] {
  return manifests.daemonSets.filter((d) => {
    const volumes = podSpecOf(d.object).volumes;
    return Array.isArray(volumes) && volumes.some((v) => {
      const hostPath = record(record(v).hostPath).path;
      return typeof hostPath === 'string' && hostPath.replace(/\/+$/, '') === CNI_CONFIG_DIR;
    });
  });
}

/**
 * What the manifests may say instead of the API server's address, which only the cluster booted
 * for them knows (a kube-proxy replacement cannot reach it through the kubernetes Service it has
 * yet to program). Replaced in every string of every object before they are applied.
 */
export const API_SERVER_PLACEHOLDERS = { host: '${KPC_API_SERVER_HOST}', port: '${KPC_API_SERVER_PORT}' } as const;

/** The manifests with the API server placeholders replaced by its host and port. */
export function bindApiServer(manifests: ProxyManifests, apiServer: { host: string; port: number }): ProxyManifests {
  const bind = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replaceAll(API_SERVER_PLACEHOLDERS.host, apiServer.host).replaceAll(API_SERVER_PLACEHOLDERS.port, String(apiServer.port));
    if (Array.isArray(value)) return value.map(bind);
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bind(v)]));
    return value;
  };
  // Each object once: a DaemonSet's object is the same one the objects list holds.
  const bound = new Map(manifests.objects.map((o) => [o.object, bind(o.object) as Record<string, unknown>]));
  const objects = manifests.objects.map((o) => ({ ...o, object: bound.get(o.object)! }));
  return { ...manifests, objects, daemonSets: manifests.daemonSets.map((d) => ({ ...d, object: bound.get(d.object)! })) };
}

/** Images that every container using them says `imagePullPolicy: Never` for: they must be on the nodes already. */
export function neverPulledImages(manifests: Pick<ProxyManifests, 'objects' | 'images'>): string[] {
  const containers = manifests.objects.flatMap((o) => containersOf(o.object));
  return manifests.images.filter((image) => containers.filter((c) => c.image === image).every((c) => c.imagePullPolicy === 'Never'));
}
