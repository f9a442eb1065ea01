// On the dev server, in real time: SIGKILL the worker while a phase soaks, start a new one, and the
// migration completes with the weights written once each, in plan order.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../scripts/tools/dev-server.js';
import { MIGRATION_WORKFLOW, statusQuery, TASK_QUEUE } from '../../src/api/names.js';
import type { MigrationResult } from '../../src/api/status.js';
import type { MigrationInput } from '../../src/plan/index.js';
import { lbInput } from '../support/inputs.js';

let server: DevServer;
let dir: string;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  server = await startDevServer({ uiPort: false });
  dir = mkdtempSync(join(tmpdir(), 'gateshift-crash-'));
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startFakeWorker(): Promise<ChildProcess> {
  // node itself, not the tsx launcher: the SIGKILL must reach the worker, not a parent that forwards signals.
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/fake-worker.ts'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      GATESHIFT_FAKE_STATE: join(dir, 'world.json'),
      GATESHIFT_METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  workers.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('fake worker ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`fake worker exited with ${code}`)));
  });
}

const input: MigrationInput = {
  ...lbInput(
    ['lb-crash1'],
    [
      { sourceWeight: 100, targetWeight: 0 },
      { sourceWeight: 90, targetWeight: 10, soak: '3s' },
      { sourceWeight: 50, targetWeight: 50, soak: '8s' },
      { sourceWeight: 10, targetWeight: 90, soak: '3s' },
      { sourceWeight: 0, targetWeight: 100, soak: '3s' },
    ],
  ),
  approval: { mode: 'auto' },
  analysis: { interval: '1s' },
};

it('survives a SIGKILL of the worker mid-soak and completes the migration', async () => {
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    const first = await startFakeWorker();
    const handle = await client.workflow.start(MIGRATION_WORKFLOW, {
      taskQueue: TASK_QUEUE,
      workflowId: 'crash-test',
      args: [input],
    });
    for (;;) {
      const status = await handle.query(statusQuery);
      if (status.state === 'soaking' && status.phaseIndex === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await startFakeWorker();
    const result = (await handle.result()) as MigrationResult;
    expect(result.rollback).toBeUndefined();
    expect(result.outcome).toBe('completed');
    expect(result.finalWeights).toEqual({ source: 0, target: 100 });
    const world = JSON.parse(readFileSync(join(dir, 'world.json'), 'utf8')) as {
      weights: [string, unknown][];
      writes: { side: string; weight: number }[];
    };
    expect(world.weights).toEqual([['clb/lb-crash1', { source: 0, target: 100 }]]);
    expect(world.writes.map((w) => `${w.side}=${w.weight}`)).toEqual([
      'target=10',
      'source=90',
      'target=50',
      'source=50',
      'target=90',
      'source=10',
      'target=100',
      'source=0',
    ]);
  } finally {
    await connection.close();
  }
});
