// `node --import tsx scripts/bundle-workflows.ts OUT`: bundles the workflow code once, at image build
// time, so that the worker (src/worker-bundled.ts) starts without running webpack.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: bundle-workflows.ts OUT.js\n');
  process.exit(2);
}
const started = Date.now();
const { code } = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
  logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
});
const path = resolve(out);
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, code);
process.stderr.write(`workflow bundle: ${path} (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)\n`);
