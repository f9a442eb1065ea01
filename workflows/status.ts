// The status a migration starts with (every step pending, the start weights desired) and the result it
// ends with.
import type { MigrationResult, MigrationStatus, StepView } from '../src/api/status.js';
import { gateApproval } from '../src/plan/gate.js';
import type { MigrationPlan } from '../src/plan/plan.js';
import { type Step, shiftSteps, stepLabel } from '../src/plan/steps.js';
import type { MigrationRun } from './run.js';

/**
 * A step as the status shows it before it runs: what it is, how long it soaks, and its approval mode
 * where it has a gate (a shift gates only when it sends more traffic to the target).
 */
function stepView(step: Step, plan: MigrationPlan): StepView {
  const view: StepView = { index: step.index, kind: step.kind, label: stepLabel(step), state: 'pending' };
  if (step.kind === 'shift' || step.kind === 'soak') view.soakMs = step.soakMs;
  const approval = gateApproval(step, plan.steps, plan.restore);
  if (approval) view.approval = approval;
  return view;
}

export function initialStatus(plan: MigrationPlan, migrationId: string, at: string): MigrationStatus {
  const phases = shiftSteps(plan.steps);
  return {
    migrationId,
    title: plan.title,
    kind: plan.kind,
    resources: plan.locks,
    state: 'starting',
    stepIndex: 0,
    steps: plan.steps.map((step) => stepView(step, plan)),
    phaseIndex: 0,
    phaseCount: phases.length,
    phaseName: phases[0]?.name ?? '',
    desired: plan.restore,
    observations: [],
    soak: null,
    waitingFor: null,
    preflight: null,
    analysis: null,
    breaches: [],
    actions: [],
    writes: [],
    startedAt: at,
    updatedAt: at,
  };
}

/** What a migration returns. */
export function resultOf(run: MigrationRun, outcome: MigrationResult['outcome']): MigrationResult {
  const { status } = run;
  return {
    outcome,
    migrationId: run.migrationId,
    stepReached: status.stepIndex,
    phaseReached: status.phaseIndex,
    finalWeights: status.desired,
    observations: status.observations,
    rollback: run.rollback,
    actions: status.actions,
    breaches: status.breaches,
  };
}
