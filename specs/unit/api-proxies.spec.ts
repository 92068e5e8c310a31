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
