import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { ApiProxy } from '../../harness/kube/api-proxy.js';
import { Kubectl } from '../../harness/kube/kubectl.js';

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
