// `npm run bench:core`: the core workflow's costs, written to bench/results/core.json.
// - historyEvents: events in the history of the default plan (1h/2h/1h/1h soaks, 4 approvals), run on
//   the time-skipping test server: the soak durations do not add events.
// - approveToWriteMs: on the dev server, the time from an approve update being sent to the weight
//   write reaching the traffic driver (fake side effects, in this process), over >= 50 approvals.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { startDevServer } from '../scripts/tools/dev-server.js';
import { approveUpdate, MIGRATION_WORKFLOW, statusQuery, TASK_QUEUE } from '../src/api/names.js';
import { createLogger, startWorker } from '../src/worker.js';
import { lbInput } from '../test/support/inputs.js';
import { startTestServer } from '../test/support/time-skipping.js';
import { FakeWorld } from '../test/workflow/fake-world.js';

const MIGRATIONS = 6;
const quiet = createLogger({ LOG_LEVEL: 'warn' });

// 100/0, 90/10, …, 0/100 without soaks: ten approvals per migration.
const tenSteps = Array.from({ length: 11 }, (_, i) => ({ sourceWeight: 100 - i * 10, targetWeight: i * 10 }));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function approveToWrite(codePath: string): Promise<number[]> {
  const server = await startDevServer({ uiPort: false, quiet: true });
  const world = new FakeWorld();
  const activities = world.activities();
  let written: (() => void) | undefined;
  const worker = await startWorker({
    workflowBundle: { codePath },
    env: { TEMPORAL_ADDRESS: server.address, GATESHIFT_METRICS_PORT: '0' },
    logger: quiet,
    handleSignals: false,
    activities: {
      ...activities,
      setWeights: async (request: Parameters<typeof activities.setWeights>[0]) => {
        const applied = await activities.setWeights(request);
        written?.();
        return applied;
      },
    },
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const samples: number[] = [];
  try {
    for (let m = 0; m < MIGRATIONS; m++) {
      const handle = await client.workflow.start(MIGRATION_WORKFLOW, {
        taskQueue: TASK_QUEUE,
        workflowId: `bench-${Date.now()}-${m}`,
        args: [lbInput([`lb-bench${m}`], tenSteps)],
      });
      for (;;) {
        const status = await handle.query(statusQuery);
        if (status.state === 'completed') break;
        if (status.state !== 'waiting-approval') {
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        const write = new Promise<void>((resolve) => {
          written = resolve;
        });
        const sent = performance.now();
        await handle.executeUpdate(approveUpdate, { args: [{ by: 'bench' }] });
        await write;
        samples.push(performance.now() - sent);
      }
    }
  } finally {
    await connection.close();
    await worker.shutdown();
    await server.stop();
  }
  return samples;
}

async function defaultPlanEvents(codePath: string): Promise<number> {
  const server = await startTestServer();
  const { env } = server;
  try {
    const world = new FakeWorld();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: { codePath },
      activities: world.activities(),
      sinks: world.sinks(),
    });
    return await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(MIGRATION_WORKFLOW, {
        taskQueue: TASK_QUEUE,
        workflowId: 'bench-default-plan',
        args: [lbInput(['lb-default1'])],
      });
      for (;;) {
        const status = await handle.query(statusQuery);
        if (status.state === 'completed') break;
        if (status.state === 'waiting-approval') await handle.executeUpdate(approveUpdate, { args: [{ by: 'bench' }] });
        // Time skips only with no activity in flight (the analysis gives its verdict at once here).
        else if (status.state === 'soaking' && status.soak && status.analysis?.verdict !== 'running')
          await env.sleep(Math.max(1000, status.soak.remainingMs));
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return (await handle.fetchHistory()).events?.length ?? 0;
    });
  } finally {
    await server.teardown();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gateshift-bench-'));
try {
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  const codePath = join(dir, 'workflows.js');
  writeFileSync(codePath, code);
  const samples = (await approveToWrite(codePath)).sort((a, b) => a - b);
  const historyEvents = await defaultPlanEvents(codePath);
  const round = (n: number) => Math.round(n * 10) / 10;
  const report = {
    historyEvents,
    approveToWriteMs: {
      p50: round(percentile(samples, 50)),
      p95: round(percentile(samples, 95)),
      max: round(samples.at(-1) ?? 0),
    },
    runs: samples.length,
    targets: { historyEvents: 250, approveToWriteP50Ms: 300 },
    command: 'npm run bench:core',
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    at: new Date().toISOString(),
  };
  const out = fileURLToPath(new URL('./results/core.json', import.meta.url));
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const ok = historyEvents <= 250 && report.approveToWriteMs.p50 <= 300 && samples.length >= 50;
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
