// The steps of a driver that moves weights phase by phase: one shift per phase of the input, then the
// final gate. A driver adds its own steps around them (e.g. preparation actions before).
import type { StepSpec } from '../steps.js';
import type { CommonInput } from './driver.js';

export function phaseSteps(input: CommonInput): StepSpec[] {
  return [
    ...input.phases.map(
      (phase, phaseIndex): StepSpec => ({
        kind: 'shift',
        name: phase.name,
        phase: phaseIndex,
        weights: { source: phase.sourceWeight, target: phase.targetWeight },
        soakMs: phase.soakMs,
        approval: phase.approval,
      }),
    ),
    { kind: 'gate', name: 'completion' },
  ];
}
