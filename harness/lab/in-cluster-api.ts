import { readFileSync } from 'node:fs';
import https from 'node:https';
import axios from 'axios';
import type { ApiAnswer, ReaperApi } from './reaper.js';

/** Where Kubernetes mounts a pod's ServiceAccount credentials. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The API server from inside a pod: the `kubernetes` Service's address from the environment, its
 * CA, and the ServiceAccount's token, read for each request (the kubelet rotates it).
 */
export function inClusterApi(): ReaperApi {
  const host = process.env['KUBERNETES_SERVICE_HOST'];
  const port = process.env['KUBERNETES_SERVICE_PORT'] ?? '443';
  if (!host) throw new Error('KUBERNETES_SERVICE_HOST is not set: the reaper runs only in a pod');
  const http = axios.create({
    baseURL: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    httpsAgent: new https.Agent({ ca: readFileSync(`${SERVICE_ACCOUNT_DIR}/ca.crt`) }),
    timeout: REQUEST_TIMEOUT_MS,
    validateStatus: () => true,
  });
  return {
    async request(method, path): Promise<ApiAnswer> {
      const token = readFileSync(`${SERVICE_ACCOUNT_DIR}/token`, 'utf8').trim();
      const answer = await http.request({ method, url: path, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
      return { status: answer.status, body: answer.data as unknown };
    },
  };
}
