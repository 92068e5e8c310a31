import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { ApiProxies } from '../../harness/kube/api-proxies.js';
import { Kubectl } from '../../harness/kube/kubectl.js';

test.describe("certify's kubectl proxy, shared with its Playwright worker", () => {
  let dir: string;
  let kubeconfig: string;
  let server: http.Server;
  const socketPath = () => path.join(dir, 'api.sock');

  test.beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kpc-api-test-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    // Stands in for certify's `kubectl proxy`: the API's /version on the socket certify named.
    server = http.createServer((_, res) => res.end(JSON.stringify({ gitVersion: 'v9.9.9-shared' })));
    await new Promise<void>((resolve) => server.listen(socketPath(), resolve));
  });

  test.afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test('the worker reads through the socket certify named for the same kubeconfig, and starts nothing', async () => {
    const worker = ApiProxies.fromEnv(ApiProxies.env({ kubeconfig, socketPath: socketPath() }));
    // A binary that cannot run: had the worker started a proxy of its own, this would fail.
    const kubectl = await worker.attach(new Kubectl('/nonexistent/kubectl', kubeconfig));
    expect(await kubectl.assertReachable()).toBe('v9.9.9-shared');
    await worker.closeAll();
    expect(await kubectl.assertReachable(), 'closing an attached proxy leaves certify\'s running').toBe('v9.9.9-shared');
  });

  test('for another kubeconfig, or when the socket is gone, the worker starts its own', async () => {
    const other = path.join(dir, 'other-kubeconfig');
    writeFileSync(other, 'apiVersion: v1\nkind: Config\n');
    const worker = ApiProxies.fromEnv(ApiProxies.env({ kubeconfig, socketPath: socketPath() }));
    await expect(worker.for('/nonexistent/kubectl', other)).rejects.toThrow(/nonexistent/);
    const gone = ApiProxies.fromEnv(ApiProxies.env({ kubeconfig, socketPath: path.join(dir, 'gone.sock') }));
    await expect(gone.for('/nonexistent/kubectl', kubeconfig)).rejects.toThrow(/nonexistent/);
  });
});

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
    const proxies = ApiProxies.fromEnv(ApiProxies.env({ kubeconfig: path.join(dir, 'kubeconfig'), socketPath: path.join(dir, 'api.sock') }));
    // A binary that cannot run: a delete that fell back to kubectl would fail.
    return proxies.attach(new Kubectl('/nonexistent/kubectl', path.join(dir, 'kubeconfig')));
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
