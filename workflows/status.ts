// The status a migration starts with (every step pending, the start weights desired) and the result it
// ends with.
import type { MigrationResult, MigrationStatus } from '../src/api/status.js';
import type { MigrationPlan } from '../src/plan/plan.js';
import { shiftSteps, stepLabel } from '../src/plan/steps.js';
import type { MigrationRun } from './run.js';

export function initialStatus(plan: MigrationPlan, migrationId: string, at: string): MigrationStatus {
  const phases = shiftSteps(plan.steps);
  return {
    migrationId,
    title: plan.title,
    kind: plan.kind,
    resources: plan.locks,
    state: 'starting',
    stepIndex: 0,
    steps: plan.steps.map((step) => ({ index: step.index, kind: step.kind, label: stepLabel(step), state: 'pending' })),
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
