// Entry point of the helloworld image (bundled to app/dist/server.js): env -> listen -> signals.
import { ConfigError, parsePort } from './config.js';
import { identityFromEnv } from './identity.js';
import { DEFAULT_DRAIN_MS, createHelloServer } from './server.js';
import { createUdpServer } from './udp-server.js';

async function main(): Promise<void> {
  const port = parsePort(process.env['PORT']);
  // A second port serves the same API: a Service with two ports can target both (MultiPort).
  const altPort = process.env['ALT_PORT'] ? parsePort(process.env['ALT_PORT'], 'ALT_PORT') : undefined;
  const identity = identityFromEnv();
  const apps = [createHelloServer({ identity }), ...(altPort === undefined ? [] : [createHelloServer({ identity })])];
  const address = await apps[0]!.listen(port);
  const alt = altPort === undefined ? '' : ` (and ${(await apps[1]!.listen(altPort)).port})`;
  // The same message over UDP, for a UDP Service (the UDP feature).
  const udpPort = process.env['UDP_PORT'] ? parsePort(process.env['UDP_PORT'], 'UDP_PORT') : undefined;
  const udp = udpPort === undefined ? undefined : createUdpServer(identity);
  const udpNote = udp === undefined ? '' : `, UDP ${await udp.listen(udpPort!)}`;
  console.log(
    `helloworld listening on port ${address.port}${alt}${udpNote} pod=${identity.pod} podIP=${identity.podIP ?? '-'} node=${identity.node ?? '-'}`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return; // a second signal changes nothing: the drain is already bounded
    stopping = true;
    const started = Date.now();
    void udp?.close();
    void Promise.all(apps.map((app) => app.shutdown(DEFAULT_DRAIN_MS))).then((results) => {
      const outcome = results.some((r) => r.forced) ? `cut connections after ${DEFAULT_DRAIN_MS} ms` : 'drained';
      console.log(`helloworld stopped on ${signal}: ${outcome} in ${Date.now() - started} ms`);
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`error: ${message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
