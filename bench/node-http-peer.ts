import http from 'node:http';

/**
 * The traffic client's request without axios: node:http, a new connection each, same body and
 * headers. Only the bench uses it, to show what axios itself costs per request on this machine.
 */
export async function nodeHttpBurst(address: string, port: number, requests: number, concurrency: number): Promise<{ failed: number }> {
  const body = JSON.stringify({ sender: 'world1' });
  const post = () =>
    new Promise<boolean>((resolve) => {
      const request = http.request(
        { host: address, port, method: 'POST', path: '/api/messages', agent: false, timeout: 5000, headers: { 'Content-Type': 'application/json', Connection: 'close', 'Content-Length': Buffer.byteLength(body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve(response.statusCode === 200 && answeredByPod(Buffer.concat(chunks).toString())));
          response.on('error', () => resolve(false));
        },
      );
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve(false));
      request.end(body);
    });
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        if (!(await post())) failed++;
      }
    }),
  );
  return { failed };
}

function answeredByPod(text: string): boolean {
  try {
    return typeof JSON.parse(text).host === 'string';
  } catch {
    return false;
  }
}
