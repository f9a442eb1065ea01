// `npm run dev`: a local Temporal dev server (history kept in the data directory across restarts) and
// the worker in this process. Ctrl-C stops the worker first, then the server.
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pretty from 'pino-pretty';
import { createLogger, startWorker } from '../src/worker.js';
import { startDevServer } from './tools/dev-server.js';

const log = createLogger(process.env, pretty({ destination: 2, sync: true }));
const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.GATESHIFT_DATA_DIR
  ? resolve(process.env.GATESHIFT_DATA_DIR)
  : join(root, '.gateshift', 'dev');
mkdirSync(dataDir, { recursive: true });

const stopRequested = new Promise<void>((resolveStop) => {
  let signals = 0;
  const onSignal = () => {
    signals += 1;
    if (signals > 1) process.exit(130); // the server is killed on exit (see dev-server.ts)
    log.info('stopping the worker, then the server (Ctrl-C again to force)');
    resolveStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
});
// A development machine is not an ECS instance: the credential chain must not ask the metadata
// service for a RAM role (set ALIBABA_CLOUD_ECS_METADATA_DISABLED=false on one that is).
process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED ??= 'true';
const server = await startDevServer({ port: 7233, uiPort: 8233, dbFile: join(dataDir, 'temporal.db') });

try {
  // Settings for the local server only: Temporal Cloud variables in the shell must not apply here.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_')));
  const worker = await startWorker({
    env: { ...env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace },
    logger: log,
    handleSignals: false,
  });
  process.stdout.write(
    [
      '',
      'gateshift dev stack is up',
      `  Temporal   ${server.address} (namespace ${server.namespace})`,
      `  Web UI     ${server.uiUrl}`,
      `  Metrics    ${worker.metricsUrl}/metrics`,
      `  History    ${join(dataDir, 'temporal.db')}`,
      '',
      'Start a migration:  npm run gateshift -- start examples/migration.yaml',
      'Ctrl-C stops the worker, then the server.',
      '',
    ].join('\n'),
  );
  const ended = await Promise.race([
    stopRequested.then(() => 'signal'),
    once(server.process, 'exit').then(() => 'server'),
    worker.done.then(() => 'worker'),
  ]);
  if (ended === 'server') {
    log.error('the Temporal dev server exited; stopping the worker');
    process.exitCode = 1;
  }
  await worker.shutdown();
} catch (error) {
  log.error({ error }, 'dev stack failed');
  process.exitCode = 1;
} finally {
  await server.stop();
}
