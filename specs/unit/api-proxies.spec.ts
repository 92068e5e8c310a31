import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { ApiProxy, removeDeadSockets } from '../../harness/kube/api-proxy.js';
import { Kubectl } from '../../harness/kube/kubectl.js';
import { refusalIn } from '../../harness/kube/forbidden.js';
import { UsageError } from '../../harness/util/errors.js';

test.describe('a delete through the API proxy', () => {
  let dir: string;
  let server: http.Server;
  const requests: string[] = [];
  /** The Services the stand-in API holds; `forbidden` answers 403 to a DELETE. */
  let services: Set<string>;

  test.beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kpc-api-delete-'));
    writeFileSync(path.join(dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\n');
    requests.length = 0;
    services = new Set(['helloworld', 'forbidden']);
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const name = /^\/api\/v1\/namespaces\/lab\/services\/([^/?]+)$/.exec(req.url ?? '')?.[1];
      const status = (code: number, reason: string) => res.writeHead(code).end(JSON.stringify({ kind: 'Status', reason, message: `services "${name}" ${reason}` }));
      if (!name || !services.has(name)) return status(404, 'NotFound');
      if (req.method === 'DELETE') {
        if (name === 'forbidden') return status(403, 'Forbidden');
        services.delete(name);
      }
      res.end(JSON.stringify({ kind: 'Service', metadata: { name } }));
    });
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'api.sock'), resolve));
  });

  test.afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = async () => {
    // A stand-in API on the socket, and a binary that cannot run: a delete that fell back to kubectl would fail.
    const api = await ApiProxy.attach(path.join(dir, 'api.sock'), path.join(dir, 'kubeconfig'));
    return new Kubectl('/nonexistent/kubectl', path.join(dir, 'kubeconfig')).withApi(api);
  };

  test('deletes the object and returns once a read no longer finds it', async () => {
    await (await kubectl()).deleteIfAny('service', 'helloworld', { namespace: 'lab' });
    expect(services.has('helloworld')).toBe(false);
    expect(requests).toEqual(['DELETE /api/v1/namespaces/lab/services/helloworld', 'GET /api/v1/namespaces/lab/services/helloworld']);
  });

  test('an object that is not there is no error, as with --ignore-not-found', async () => {
    await (await kubectl()).deleteIfAny('service', 'gone', { namespace: 'lab' });
    expect(requests[0]).toBe('DELETE /api/v1/namespaces/lab/services/gone');
  });

  test("a refusal fails with the API's reason, as kubectl would", async () => {
    await expect((await kubectl()).deleteIfAny('service', 'forbidden', { namespace: 'lab' })).rejects.toThrow(/Forbidden.*services "forbidden" Forbidden/);
  });
});

test.describe('a refusal by RBAC', () => {
  const rbac = (verb: string, resource: string, where: string) => `${resource} is forbidden: User "system:serviceaccount:kpc:certifier" cannot ${verb} resource "${resource}" ${where}`;

  test('is read from the message kubectl prints and the API answers, in any scope', () => {
    expect(refusalIn(`Error from server (Forbidden): ${rbac('list', 'endpointslices', 'in API group "discovery.k8s.io" in the namespace "kpc-lab"')}`)).toEqual({
      user: 'system:serviceaccount:kpc:certifier',
      verb: 'list',
      resource: 'endpointslices',
      group: 'discovery.k8s.io',
      scope: 'in the namespace "kpc-lab"',
    });
    expect(refusalIn(rbac('create', 'namespaces', 'in API group "" at the cluster scope'))).toMatchObject({ verb: 'create', resource: 'namespaces', group: '', scope: 'at the cluster scope' });
    expect(refusalIn('Error from server (NotFound): services "x" not found')).toBeNull();
  });

  test('through the API proxy or a kubectl process: one line naming the user, the verb and the resource (exit 2), never "not there"', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kpc-api-forbidden-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const server = http.createServer((req, res) => {
      if (req.url?.startsWith('/api/v1/namespaces/kube-system/configmaps/')) return res.writeHead(404).end(JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'configmaps "kube-proxy" not found' }));
      res.writeHead(403).end(JSON.stringify({ kind: 'Status', reason: 'Forbidden', message: rbac('get', 'namespaces', 'in API group "" at the cluster scope') }));
    });
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'api.sock'), resolve));
    // A kubectl that answers as the API server refuses.
    const fake = path.join(dir, 'kubectl');
    writeFileSync(fake, `#!/bin/sh\necho 'Error from server (Forbidden): ${rbac('patch', 'deployments', 'in API group "apps" in the namespace "kpc-lab"')}' >&2\nexit 1\n`, { mode: 0o755 });
    try {
      const kubectl = new Kubectl(fake, kubeconfig).withApi(await ApiProxy.attach(path.join(dir, 'api.sock'), kubeconfig));
      expect(await kubectl.jsonIfAny(['get', 'configmap', 'kube-proxy'], { namespace: 'kube-system' }), 'not there is still undefined').toBeUndefined();
      const refused = kubectl.jsonIfAny(['get', 'namespace', 'kpc-lab']);
      await expect(refused).rejects.toBeInstanceOf(UsageError);
      await expect(refused).rejects.toThrow(`the user of ${kubeconfig} (system:serviceaccount:kpc:certifier) may not get namespaces at the cluster scope: grant it that`);
      await expect(kubectl.run(['rollout', 'restart', 'deployment/x'], { namespace: 'kpc-lab' })).rejects.toThrow(/may not patch deployments\.apps in the namespace "kpc-lab"/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("a killed run's proxy socket directory is removed by the next proxy's start; a live or just-made one stays", async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kpc-unit-sockets-'));
  try {
    for (const name of ['kpc-api-dead', 'kpc-api-live', 'other']) mkdirSync(path.join(tmp, name));
    writeFileSync(path.join(tmp, 'kpc-api-dead', 'api.sock'), '');
    const server = net.createServer().listen(path.join(tmp, 'kpc-api-live', 'api.sock'));
    await once(server, 'listening');
    try {
      expect(await removeDeadSockets(tmp, Date.now()), 'made just now: could be a proxy starting').toEqual([]);
      expect(await removeDeadSockets(tmp, Date.now() + 120_000)).toEqual([path.join(tmp, 'kpc-api-dead')]);
      expect(readdirSync(tmp).sort()).toEqual(['kpc-api-live', 'other']);
    } finally {
      server.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
