import { readFileSync } from 'node:fs';
import { yaml } from '../util/yaml.js';

/** The image the lab's manifests name: built by app/build-image.sh and loaded into kind nodes. */
export const DEFAULT_APP_IMAGE = 'kube-proxy-conformance/helloworld:0.1.0';

interface Workload {
  kind?: string;
  spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
}

/**
 * A manifest file of the app as a List to apply: every container that runs the lab's image runs
 * `image` instead (--image), and a Deployment runs `replicas` when given (--replicas).
 */
export function renderAppManifest(file: string, options: { image: string; replicas?: number }): object {
  const items = yaml().parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => doc.toJS() as Workload | null)
    .filter((doc): doc is Workload => doc !== null);
  for (const item of items) {
    for (const container of item.spec?.template?.spec?.containers ?? []) if (container.image === DEFAULT_APP_IMAGE) container.image = options.image;
    if (item.kind === 'Deployment' && options.replicas !== undefined && item.spec) item.spec.replicas = options.replicas;
  }
  return { apiVersion: 'v1', kind: 'List', items };
}
