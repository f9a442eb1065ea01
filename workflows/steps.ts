// How each kind of step runs. The workflow runs the plan's steps in order through STEP_RUNNERS and
// never knows which driver produced them.

import { condition, patched } from '@temporalio/workflow';
import type { ConditionState } from '../activities/contracts.js';
import { formatDuration } from '../src/plan/duration.js';
import type { ActionStep, AwaitStep, GateStep, ShiftStep, SoakStep, Step } from '../src/plan/steps.js';
import { stepLabel } from '../src/plan/steps.js';
import type { Activities } from './activities.js';
import { onBreach } from './breach.js';
import { passGate } from './gate.js';
import { iso, type MigrationRun, now } from './run.js';
import { showAnalysis, soak, startAnalysis } from './soak.js';
import { verifyPhase, writeWeights } from './weights.js';

const LIVE_PREVIEW_PATCH = 'action-live-preview';

type Runner<S extends Step> = (run: MigrationRun, acts: Activities, step: S) => Promise<void>;

/** Gate → write the weights (the growing side first) → verify → soak with analysis. */
const shift: Runner<ShiftStep> = async (run, acts, step) => {
  await passGate(run, step);
  run.beginStep(step);
  run.enter('applying');
  await writeWeights(run, acts, step.weights, 'phase');
  await verifyPhase(run, acts, step.weights, stepLabel(step));
  await soak(run, acts, step, step.soakMs);
  await run.holdWhilePaused();
  run.endStep(step, `${step.weights.source}/${step.weights.target}`);
};

/**
 * Live preview → gate → the driver's side effect. The approver sees what the action would change in the
 * world as it is when the gate opens. A step that began is undone by a rollback, even if it failed midway.
 */
const action: Runner<ActionStep> = async (run, acts, step) => {
  const request = {
    migrationId: run.migrationId,
    traffic: run.plan.traffic,
    step: step.index,
    action: step.action,
    args: step.args,
  };
  // Patched: a migration that reached an action step before the live preview existed replays without it.
  if (patched(LIVE_PREVIEW_PATCH)) {
    const preview = await acts.previewAction(request);
    if (preview) run.setStep(step.index, { preview: preview.changes.join('\n') || 'nothing would change' });
  }
  await passGate(run, step);
  run.beginStep(step);
  run.enter('acting');
  const outcome = await acts.runAction(request);
  run.endStep(step, outcome.changes.length > 0 ? outcome.changes.join('\n') : 'nothing needed changing');
};

/** How often a waiting condition's latest answer reaches the status and the Web UI's details. */
const CONDITION_REPORT_MS = 30_000;

/**
 * Waits for the driver's condition. One that does not hold in time is handled like a breach, or, when the
 * step says so, holds the next gate for a human.
 */
const awaitStep: Runner<AwaitStep> = async (run, acts, step) => {
  if (step.addedIn && !patched(step.addedIn)) return;
  run.beginStep(step);
  for (;;) {
    run.enter('awaiting', `${step.name} (up to ${formatDuration(step.timeoutMs)})`);
    const checking = checkInSlices(run, acts, step);
    const state = step.watch ? await watched(run, acts, step, checking) : await checking;
    if (state.met) break;
    const message = `${stepLabel(step)} did not hold within ${formatDuration(step.timeoutMs)}: ${state.message}`;
    if (step.onTimeout === 'approval') {
      run.held = message;
      break;
    }
    await onBreach(
      run,
      { check: step.condition, value: null, threshold: 0, pass: 'holds', consecutive: 1, at: iso(), message },
      'timeout',
    );
  }
  run.endStep(step, run.status.steps[step.index]?.outcome);
};

/**
 * The condition checked for the step's timeout in slices of CONDITION_REPORT_MS: after each, its latest
 * answer goes into the step's outcome, so the status and the Web UI show it while the step waits.
 */
async function checkInSlices(run: MigrationRun, acts: Activities, step: AwaitStep): Promise<ConditionState> {
  const slices = Math.max(1, Math.ceil(step.timeoutMs / CONDITION_REPORT_MS));
  for (let slice = 0; ; slice++) {
    const timeoutMs = Math.min(CONDITION_REPORT_MS, step.timeoutMs - slice * CONDITION_REPORT_MS);
    const state = await acts.awaitCondition(timeoutMs)({
      migrationId: run.migrationId,
      traffic: run.plan.traffic,
      step: step.index,
      condition: step.condition,
      args: step.args,
      timeoutMs,
      metrics: { prometheusUrl: run.plan.analysis.prometheusUrl, variables: run.plan.analysis.variables },
    });
    if (state.observations) run.observed(state.observations);
    run.setStep(step.index, { outcome: state.message });
    if (state.met || slice + 1 >= slices) return state;
    run.publish();
  }
}

/** The analysis runs while the condition is awaited; a breach meanwhile is handled at once, not at the end. */
async function watched(
  run: MigrationRun,
  acts: Activities,
  step: AwaitStep,
  checking: Promise<ConditionState>,
): Promise<ConditionState> {
  let settled = false;
  const done = checking.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (;;) {
    const startedAt = now();
    const analysis = startAnalysis(run, acts, step, step.timeoutMs);
    await condition(() => settled || analysis.ended());
    await analysis.stop();
    showAnalysis(run, step, analysis.summary(), Math.max(1, now() - startedAt));
    const breach = analysis.breach();
    if (breach) await onBreach(run, breach, 'breach');
    if (settled) break;
  }
  await done;
  return checking;
}

const soakStep: Runner<SoakStep> = async (run, acts, step) => {
  run.beginStep(step);
  await soak(run, acts, step, step.soakMs);
  await run.holdWhilePaused();
  run.endStep(step);
};

/** The final gate: the migration ends once its last soak passed, or a human says so. */
const gate: Runner<GateStep> = async (run, _acts, step) => {
  await passGate(run, step);
  run.beginStep(step);
  run.endStep(step);
};

const STEP_RUNNERS: { [K in Step['kind']]: Runner<Extract<Step, { kind: K }>> } = {
  shift,
  action,
  await: awaitStep,
  soak: soakStep,
  gate,
};

export function runStep(run: MigrationRun, acts: Activities, step: Step): Promise<void> {
  return (STEP_RUNNERS[step.kind] as Runner<Step>)(run, acts, step);
}
