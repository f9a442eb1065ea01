// `gateshift start` waits until the migration has its locks and has passed its pre-flight, or failed
// them, so that a refusal 150 ms after the start is not reported as "started".
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { statusQuery } from '../api/names.js';
import type { MigrationResult, MigrationStatus } from '../api/status.js';

export type PreflightWait =
  /** Every item passed: the migration runs its steps (or waits for a human). */
  | { kind: 'passed'; status: MigrationStatus }
  /** The workflow closed: with a result, or with the error `result()` threw (a failure). */
  | { kind: 'ended'; result?: MigrationResult; error?: unknown }
  /** No worker ran the workflow's first task in time: nothing happened yet. */
  | { kind: 'no-worker'; waitedMs: number };

export interface WaitOptions {
  pollMs?: number;
  /** How long the first workflow task may wait for a worker. */
  noWorkerMs?: number;
}

/** A query needs a worker; without one it would wait for the whole RPC timeout. */
const QUERY_DEADLINE_MS = 10_000;
/** Started, task scheduled, started and completed: a worker has run the workflow's first task. */
export const FIRST_TASK_DONE = 4;

export async function awaitPreflight(
  client: Client,
  workflowId: string,
  { pollMs = 300, noWorkerMs = 30_000 }: WaitOptions = {},
): Promise<PreflightWait> {
  const handle = client.workflow.getHandle(workflowId);
  const since = Date.now();
  for (;;) {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING')
      return handle.result().then(
        (result: MigrationResult) => ({ kind: 'ended', result }),
        (error: unknown) => ({ kind: 'ended', error }),
      );
    if (description.historyLength >= FIRST_TASK_DONE) {
      const status = await client
        .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(statusQuery))
        .catch(() => undefined);
      // A failed pre-flight ends the workflow at once: the next describe sees it closed.
      if (status?.preflight?.every((item) => item.ok)) return { kind: 'passed', status };
    } else if (Date.now() - since > noWorkerMs) return { kind: 'no-worker', waitedMs: Date.now() - since };
    await sleep(pollMs);
  }
}
