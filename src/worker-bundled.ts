// The container's worker entry point: like `npm start`, but with the workflow bundle built at image
// build time (scripts/bundle-workflows.ts), named by GATESHIFT_WORKFLOW_BUNDLE, so that a starting
// pod does not spend seconds of CPU running webpack.
import { existsSync } from 'node:fs';
import { createLogger, startWorker } from './worker.js';

const log = createLogger();
const codePath = process.env.GATESHIFT_WORKFLOW_BUNDLE;
try {
  if (!codePath || !existsSync(codePath)) {
    throw new Error(
      `GATESHIFT_WORKFLOW_BUNDLE must name the prebuilt workflow bundle (got ${codePath ? `"${codePath}", which does not exist` : 'nothing'})`,
    );
  }
  const worker = await startWorker({ logger: log, workflowBundle: { codePath } });
  await worker.done;
} catch (error) {
  log.fatal({ error }, 'worker failed');
  process.exitCode = 1;
}
