// A driver used only in tests: the pure half of a step sequence like the ASM gateway canary upgrade
// (an action with its undo, a condition to await, a soak, an irreversible action, more of the same),
// over nothing but the fake world. It shows that a driver plugs in without a change in workflows/.
import { z } from 'zod';
import type { CommonInput, PlanDriver } from '../../../src/plan/drivers/driver.js';
import type { StepSpec } from '../../../src/plan/steps.js';

const MINUTE = 60_000;

export const stepsFragment = z.strictObject({
  kind: z.literal('test-steps'),
  name: z.string().regex(/^[a-z0-9-]+$/),
});

export interface StepsTraffic {
  kind: 'test-steps';
  name: string;
}

function steps(_traffic: StepsTraffic, input: CommonInput): StepSpec[] {
  const action = (name: string, undo: boolean, approval = input.approval, irreversible = false): StepSpec => ({
    kind: 'action',
    name,
    action: name,
    args: {},
    preview: `create ${name}`,
    undo: undo ? { action: `undo-${name}`, args: {} } : undefined,
    undoOnRollback: undo,
    irreversible,
    approval,
  });
  return [
    action('create-canary', true),
    { kind: 'await', name: 'canary ready', condition: 'canary-ready', args: {}, timeoutMs: 10 * MINUTE },
    { kind: 'soak', name: 'canary soak', soakMs: 60 * MINUTE },
    action('upgrade', false, 'manual', true),
    { kind: 'await', name: 'upgraded', condition: 'upgraded', args: {}, timeoutMs: 10 * MINUTE },
    { kind: 'soak', name: 'upgraded soak', soakMs: 30 * MINUTE },
    action('remove-canary', false),
    { kind: 'gate', name: 'completion' },
  ];
}

export const stepsPlan: PlanDriver<typeof stepsFragment, StepsTraffic> = {
  kind: 'test-steps',
  movesWeights: false,
  fragment: stepsFragment,
  problems: () => [],
  traffic: (fragment) => ({ kind: 'test-steps', name: fragment.name }),
  steps,
  writes: (traffic, step) =>
    step.kind === 'action' ? [{ resource: `fake/${traffic.name}`, object: traffic.name, change: step.preview }] : [],
  locks: (traffic) => [`fake/${traffic.name}`],
  restore: () => null,
  analysisVariables: (traffic) => ({
    workload: traffic.name,
    namespace: 'test',
    sourceWorkload: traffic.name,
    sourceNamespace: 'test',
  }),
  summary: (traffic) => `test steps on ${traffic.name}`,
  details: (traffic) => [`Test steps on \`${traffic.name}\``],
};
