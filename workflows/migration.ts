// A migration, as a story: validate the input → lock its resources → pre-flight → run the plan's steps
// → finish, or unwind on a rollback. Deterministic: every side effect is an activity, and the state
// lives in MigrationRun.
import { CancellationScope, isCancellation, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { checklistSummary, preflightFailure } from '../src/api/checklist.js';
import { errorMessage, FAILURE, failure } from '../src/api/failures.js';
import { SEARCH_ATTRIBUTES } from '../src/api/names.js';
import type { MigrationResult } from '../src/api/status.js';
import { type Activities, migrationActivities } from './activities.js';
import { listenToControls } from './handlers.js';
import { ResourceLocks } from './locks.js';
import { MigrationRun } from './run.js';
import { resultOf } from './status.js';
import { runStep } from './steps.js';
import { unwind } from './unwind.js';
import { validate } from './validate.js';

export async function migration(raw: unknown): Promise<MigrationResult> {
  const plan = validate(raw);
  const acts = migrationActivities(plan);
  const run = new MigrationRun(plan, workflowInfo().workflowId, acts.notify);
  listenToControls(run);
  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.resources, value: plan.locks },
    { key: SEARCH_ATTRIBUTES.kind, value: plan.kind },
  ]);
  run.publish();

  const locks = new ResourceLocks(run.migrationId, plan.locks, acts);
  await failOnError(run, () => locks.acquire());
  try {
    await run.forward.run(() => forward(run, acts));
  } catch (error) {
    leftForward(run, error);
    if (!run.rollback) {
      await locks.release();
      return failed(run, error);
    }
    await failOnError(run, () => CancellationScope.nonCancellable(() => unwind(run, acts)));
    return finish(run, locks, 'rolled-back');
  }
  return finish(run, locks, 'completed');
}

async function finish(run: MigrationRun, locks: ResourceLocks, outcome: MigrationResult['outcome']) {
  await locks.release();
  run.enter(outcome);
  if (outcome === 'completed') run.tell('completed');
  await run.notifier.settled();
  return resultOf(run, outcome);
}

async function forward(run: MigrationRun, acts: Activities): Promise<void> {
  run.enter('preflight');
  const report = await acts.preflight({ migrationId: run.migrationId, plan: run.plan });
  run.status.preflight = report.items;
  run.publish();
  // A short message; the checklist, item by item with its resource, travels in the details.
  if (!report.ok)
    throw failure(FAILURE.preflightFailed, preflightFailure(report.items), {
      summary: checklistSummary(report.items),
      items: report.items,
    });
  for (const step of run.plan.steps) await runStep(run, acts, step);
}

/** How the forward path ended without finishing: a Temporal cancel or a failure after changes roll back. */
function leftForward(run: MigrationRun, error: unknown): void {
  if (run.rollback) return;
  if (isCancellation(error)) run.requestRollback('temporal', 'the workflow was cancelled', 'cancelled');
  else if (run.started.some((step) => step.kind === 'shift' || step.kind === 'action'))
    run.requestRollback('gateshift', `a step failed after changes were made: ${errorMessage(error)}`, 'failure');
}

/** Marks the migration failed, with the error's message in the status, and ends it with that error. */
async function failed(run: MigrationRun, error: unknown): Promise<never> {
  run.status.error = errorMessage(error);
  run.enter('failed');
  run.tell('failed', { reason: run.status.error });
  await run.notifier.settled();
  throw error;
}

async function failOnError<T>(run: MigrationRun, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    return failed(run, error);
  }
}
