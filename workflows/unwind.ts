// The rollback: unwinds what the forward path began, newest first. Weights go back to the start state
// once (the side that grows first, verified); actions run their undo, which removes only what they
// created or changed. A step that cannot be undone is left as it is and said so.
import { FAILURE, failure } from '../src/api/failures.js';
import { type ActionStep, type Step, stepLabel } from '../src/plan/steps.js';
import type { SideWeights } from '../src/plan/weights.js';
import type { Activities } from './activities.js';
import type { MigrationRun } from './run.js';
import { verifyOnce, writeWeights } from './weights.js';

const ROLLBACK_VERIFY_ATTEMPTS = 3;

async function restoreWeights(run: MigrationRun, acts: Activities, weights: SideWeights): Promise<void> {
  await writeWeights(run, acts, weights, 'rollback');
  for (let attempt = 1; ; attempt++) {
    const outcome = await verifyOnce(run, acts, weights, 'rollback');
    if (outcome.ok) return;
    if (attempt >= ROLLBACK_VERIFY_ATTEMPTS)
      throw failure(
        FAILURE.rollbackNotVerified,
        `rollback wrote ${weights.source}/${weights.target} but the data plane did not show it after ${attempt} verifications: ${outcome.message}`,
        { observations: run.status.observations },
      );
  }
}

async function undo(run: MigrationRun, acts: Activities, step: ActionStep): Promise<void> {
  if (!step.undo || !step.undoOnRollback) return;
  try {
    const outcome = await acts.runAction({
      migrationId: run.migrationId,
      traffic: run.plan.traffic,
      step: step.index,
      action: step.undo.action,
      args: step.undo.args,
    });
    run.setStep(step.index, { state: 'undone', outcome: outcome.changes.join('\n') || 'nothing to undo' });
  } catch (error) {
    throw failure(FAILURE.undoFailed, `the undo of ${stepLabel(step)} failed; what it created is still there`, {
      step: step.index,
      cause: error instanceof Error ? error.message : String(error),
    });
  }
}

export async function unwind(run: MigrationRun, acts: Activities): Promise<void> {
  run.gate = null;
  run.paused = undefined;
  run.soak = undefined;
  run.enter('rolling-back');
  let weightsRestored = false;
  const begun: Step[] = [...run.started].reverse();
  for (const step of begun) {
    if (step.kind === 'shift' && run.plan.restore) {
      if (!weightsRestored) await restoreWeights(run, acts, run.plan.restore);
      weightsRestored = true;
      const { source, target } = run.plan.restore;
      run.setStep(step.index, { state: 'undone', outcome: `weights back at ${source}/${target}` });
    } else if (step.kind === 'action') {
      if (step.irreversible) run.setStep(step.index, { outcome: 'cannot be undone: left as it is' });
      else await undo(run, acts, step);
    }
  }
}
