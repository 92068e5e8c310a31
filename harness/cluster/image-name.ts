/**
 * `ref` as containerd and kubelet name it: Docker Hub's domain and its "library/" namespace filled
 * in, and ":latest" when no tag or digest is given (nginx -> docker.io/library/nginx:latest).
 */
export function canonicalImageName(ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  const hasDomain = first.includes('.') || first.includes(':') || first === 'localhost';
  const named = hasDomain ? ref : slash < 0 ? `docker.io/library/${ref}` : `docker.io/${ref}`;
  const last = named.slice(named.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@') ? named : `${named}:latest`;
}
