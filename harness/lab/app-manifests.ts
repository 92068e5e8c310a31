import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../util/repo-root.js';
import { yaml } from '../util/yaml.js';

/** The lab's Deployment, whose container names the app image: the one place its tag is written. */
export const LAB_DEPLOYMENT = path.join(REPO_ROOT, 'manifests/helloworld-deployment.yaml');

/** The image the lab's manifest names: built by app/build-image.sh (which reads it from there too) and loaded into kind nodes. */
export const DEFAULT_APP_IMAGE = labImage();

function labImage(): string {
  const workloads = yaml().parseAllDocuments(readFileSync(LAB_DEPLOYMENT, 'utf8')).map((doc) => doc.toJS() as Workload | null);
  const image = workloads.find((w) => w?.kind === 'Deployment')?.spec?.template?.spec?.containers?.[0]?.image;
  if (!image) throw new Error(`${LAB_DEPLOYMENT} names no container image`);
  return image;
}

interface Workload {
  kind?: string;
  spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
}

/**
 * A manifest file of the app as a List to apply: every container of its workloads runs `image`
 * (the lab's own, or --image), and a Deployment runs `replicas` when given (--replicas). The
 * features' manifests name no image of their own.
 */
export function renderAppManifest(file: string, options: { image: string; replicas?: number }): object {
  const items = yaml().parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => doc.toJS() as Workload | null)
    .filter((doc): doc is Workload => doc !== null);
  for (const item of items) {
    for (const container of item.spec?.template?.spec?.containers ?? []) container.image = options.image;
    if (item.kind === 'Deployment' && options.replicas !== undefined && item.spec) item.spec.replicas = options.replicas;
  }
  return { apiVersion: 'v1', kind: 'List', items };
}

/** A container port of the app and the environment variable that makes the app serve on it. */
export interface ExtraPort {
  /** The app's setting for it: ALT_PORT (a second HTTP port) or UDP_PORT. */
  env: 'ALT_PORT' | 'UDP_PORT';
  name: string;
  containerPort: number;
  protocol: 'TCP' | 'UDP';
}

export interface AppContainer {
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  env?: { name: string; value?: string }[];
}

export interface AppList {
  items: { kind?: string; spec?: { template?: { spec?: { containers?: AppContainer[] } } } }[];
}

/** The lab's Deployment, also serving on `extra` ports (each a named port of the pod). */
export function appWithPorts(image: string, replicas: number, extra: readonly ExtraPort[]): AppList {
  const list = renderAppManifest(LAB_DEPLOYMENT, { image, replicas }) as AppList;
  for (const container of list.items.flatMap((i) => i.spec?.template?.spec?.containers ?? [])) {
    container.env = [...(container.env ?? []), ...extra.map((p) => ({ name: p.env, value: String(p.containerPort) }))];
    container.ports = [...(container.ports ?? []), ...extra.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol }))];
  }
  return list;
}
