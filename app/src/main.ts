// Entry point of the helloworld image (bundled to app/dist/server.js): env -> listen -> signals.
import { ConfigError, parsePort } from './config.js';
import { identityFromEnv } from './identity.js';
import { DEFAULT_DRAIN_MS, createHelloServer } from './server.js';

async function main(): Promise<void> {
  const port = parsePort(process.env['PORT']);
  const identity = identityFromEnv();
  const app = createHelloServer({ identity });
  const address = await app.listen(port);
  console.log(
    `helloworld listening on port ${address.port} pod=${identity.pod} podIP=${identity.podIP ?? '-'} node=${identity.node ?? '-'}`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return; // a second signal changes nothing: the drain is already bounded
    stopping = true;
    const started = Date.now();
    void app.shutdown(DEFAULT_DRAIN_MS).then(({ forced }) => {
      const outcome = forced ? `cut connections after ${DEFAULT_DRAIN_MS} ms` : 'drained';
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
