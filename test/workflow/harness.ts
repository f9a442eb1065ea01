// Starts the Java time-skipping test server, a worker with the fake world's activities, and gives the
// tests a client that drives migrations the way an approver would.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { approveUpdate, MIGRATION_WORKFLOW, statusQuery, TASK_QUEUE } from '../../src/api/names.js';
import { isTerminal, type MigrationResult, type MigrationStatus } from '../../src/api/status.js';
import type { MigrationInput } from '../../src/plan/index.js';
import { startTestServer, type TimeSkippingServer } from '../support/time-skipping.js';
import { FakeWorld } from './fake-world.js';

/** One time-skipping server for the test file: started before its tests, torn down after them. */
export function useTestServer(): () => TestWorkflowEnvironment {
  let server: TimeSkippingServer | undefined;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.teardown();
  });
  return () => {
    if (!server) throw new Error('the test server has not started');
    return server.env;
  };
}

export type Handle = WorkflowHandle<(input: MigrationInput) => Promise<MigrationResult>>;

export interface WorkerOptions {
  /** The workflow code; default: the product's bundle. */
  workflowBundle?: { code: string } | { codePath: string };
  /**
   * false: no workflow cache, hence no sticky task queue. A test that stops a worker while a workflow
   * waits needs it: the test server would hand the next task to the stopped worker's sticky queue.
   */
  cache?: boolean;
}

/** Runs `body` with a worker whose activities act on `world`. */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  world: FakeWorld,
  body: () => Promise<T>,
  options: WorkerOptions = {},
): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: options.workflowBundle ?? { codePath: inject('workflowBundlePath') },
    ...(options.cache === false && { maxCachedWorkflows: 0 }),
    activities: world.activities(),
    maxHeartbeatThrottleInterval: '1s',
    sinks: world.sinks(),
  });
  return worker.runUntil(body);
}

let counter = 0;
/**
 * Starts a migration. Pass a plain `Client` when several migrations are open at once: the test
 * environment's client skips time while awaiting a result, which would carry an idle migration to its
 * execution timeout.
 */
export async function startMigration(
  env: TestWorkflowEnvironment,
  input: MigrationInput,
  id?: string,
  client: Client = env.client,
): Promise<Handle> {
  counter += 1;
  return client.workflow.start(MIGRATION_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: id ?? `test-${process.pid}-${counter}`,
    args: [input],
  }) as Promise<Handle>;
}

export function status(handle: Handle): Promise<MigrationStatus> {
  return handle.query(statusQuery);
}

/** Polls the status query (time does not skip meanwhile) until `predicate` holds. */
export async function waitFor(
  handle: Handle,
  predicate: (s: MigrationStatus) => boolean,
  what = 'condition',
): Promise<MigrationStatus> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const current = await status(handle);
    if (predicate(current)) return current;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; status: ${JSON.stringify(current, null, 1).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Drives a migration as an approver would while time skips: approves each gate (when `approve`),
 * skips the test server's clock through each soak, and stops at a terminal state or when `until`
 * holds. Time only skips inside env.sleep: waiting for a human with nothing scheduled would
 * otherwise skip straight to the workflow's execution timeout.
 *
 * A soak is handed to the caller only once its analysis activity has answered (the fake one answers
 * at once): the test server skips no time while an activity runs, and it fails the workflow task that
 * cancels an activity completing at that moment ("ACTIVITY_UNKNOWN"), which leaves the workflow stuck.
 */
export async function drive(
  env: TestWorkflowEnvironment,
  handle: Handle,
  options: { approve?: boolean; by?: string; until?: (s: MigrationStatus) => boolean; pollMs?: number } = {},
): Promise<MigrationStatus> {
  const { approve = true, by = 'alice', pollMs = 20 } = options;
  for (let round = 1; ; round++) {
    const current = await status(handle);
    const settled = !(current.state === 'soaking' && current.analysis?.verdict === 'running');
    if (isTerminal(current.state) || (settled && options.until?.(current))) return current;
    if (round % 100 === 0 && (await handle.describe()).status.name !== 'RUNNING') {
      throw new Error(`the workflow closed in state ${current.state}: ${current.error ?? ''}`);
    }
    if (current.state === 'waiting-approval') {
      if (!approve) throw new Error(`migration waits for ${current.waitingFor}`);
      await handle.executeUpdate(approveUpdate, { args: [{ by, comment: 'looks good' }] });
    } else if (current.state === 'soaking' && current.soak && current.analysis?.verdict !== 'running') {
      // Only with no activity in flight: the test server does not skip time while one runs, and a
      // sleep begun then would last for real.
      await env.sleep(Math.max(1000, current.soak.remainingMs));
    } else {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

export { lbInput } from '../support/inputs.js';
export { FakeWorld };

/**
 * The invariants every recorded write must keep: never every side at 0 on a resource; phase writes in
 * plan order (the target share only grows); a rollback raises the source before lowering the target.
 */
export function invariantViolations(world: FakeWorld): string[] {
  const problems = [...world.violations];
  const byMigration = new Map<string, FakeWorld['writes']>();
  for (const write of world.writes) {
    const key = `${write.migrationId}/${write.resource}`;
    byMigration.set(key, [...(byMigration.get(key) ?? []), write]);
  }
  for (const [key, writes] of byMigration) {
    let lastTarget = -1;
    let lastStep = -1;
    for (const write of writes.filter((w) => w.purpose === 'phase')) {
      if (write.step < lastStep) problems.push(`${key}: step ${write.step} written after step ${lastStep}`);
      if (write.side === 'target' && write.weight < lastTarget)
        problems.push(`${key}: target weight went down to ${write.weight} outside a rollback`);
      if (write.side === 'target') lastTarget = write.weight;
      lastStep = write.step;
    }
    const rollback = writes.filter((w) => w.purpose === 'rollback');
    const firstTarget = rollback.findIndex((w) => w.side === 'target');
    const firstSource = rollback.findIndex((w) => w.side === 'source');
    if (firstTarget !== -1 && firstSource !== -1 && firstTarget < firstSource)
      problems.push(`${key}: rollback lowered the target before raising the source`);
  }
  return problems;
}

const HISTORIES = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));

/** With GATESHIFT_RECORD_HISTORIES=1, keeps the history as a replay fixture (test/fixtures/histories). */
export async function keepHistory(handle: Handle, name: string): Promise<void> {
  if (process.env.GATESHIFT_RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  mkdirSync(HISTORIES, { recursive: true });
  writeFileSync(join(HISTORIES, `${name}.json`), historyToJSON(history));
}
