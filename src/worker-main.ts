// `npm start`: the worker process. Configuration comes from the environment (see connection.ts).
import { createLogger, startWorker } from './worker.js';

const log = createLogger();
try {
  const worker = await startWorker({ logger: log });
  await worker.done;
} catch (error) {
  log.fatal({ error }, 'worker failed');
  process.exitCode = 1;
}
