// The status a migration starts with: every step pending, the start weights desired.
import type { MigrationStatus } from '../src/api/status.js';
import type { MigrationPlan } from '../src/plan/plan.js';
import { shiftSteps, stepLabel } from '../src/plan/steps.js';

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
