// The one rule for when a step waits for a human, for every kind of step.
import { describe, expect, it } from 'vitest';
import {
  approvedAllOpens,
  type GateSituation,
  gateApproval,
  humanNeeded,
  remainingGates,
  type Step,
} from '../../src/plan/index.js';

const shift = (target: number, approval: 'manual' | 'auto' = 'manual'): Step => ({
  kind: 'shift',
  index: 2,
  name: 'half',
  phase: 2,
  weights: { source: 100 - target, target },
  soakMs: 3_600_000,
  approval,
});
const action = (approval: 'manual' | 'auto'): Step => ({
  kind: 'action',
  index: 3,
  name: 'upgrade the gateway',
  action: 'upgrade',
  args: {},
  preview: '',
  undoOnRollback: false,
  irreversible: true,
  approval,
});
const at = (target: number, lastVerdict: GateSituation['lastVerdict'] = 'pass'): GateSituation => ({
  desired: { source: 100 - target, target },
  lastVerdict,
});

describe('humanNeeded', () => {
  it('asks for a human before more traffic goes to the target, unless the plan says auto and the soak passed', () => {
    expect(humanNeeded(shift(50), at(10))).toEqual({ needed: true, waitingFor: 'approval of phase 2 (half 50/50)' });
    expect(humanNeeded(shift(50, 'auto'), at(10))).toEqual({ needed: false });
    expect(humanNeeded(shift(50, 'auto'), at(10, 'skipped'))).toEqual({ needed: false });
  });

  it('never lets an automatic step advance on a soak without a pass, and says why', () => {
    for (const verdict of ['no-data', 'failing', 'breach'] as const)
      expect(humanNeeded(shift(50, 'auto'), at(10, verdict)).waitingFor).toBe(
        `approval of phase 2 (half 50/50) (auto-advance held: the last analysis verdict was ${verdict})`,
      );
    expect(
      humanNeeded(shift(50, 'auto'), { ...at(10, 'no-data'), verdictNote: 'data for 30% of the soak, 80% needed' })
        .waitingFor,
    ).toBe(
      'approval of phase 2 (half 50/50) (auto-advance held: the last analysis verdict was no-data: data for 30% of the soak, 80% needed)',
    );
  });

  it('lets a step that sends no more traffic to the target through, manual or not', () => {
    expect(humanNeeded(shift(50), at(50))).toEqual({ needed: false });
    expect(humanNeeded(shift(0), { desired: null, lastVerdict: 'skipped' })).toEqual({ needed: false });
  });

  it('asks before a manual action, and before an automatic one after a soak that did not pass', () => {
    expect(humanNeeded(action('manual'), at(0)).waitingFor).toBe('approval of step 3 (upgrade the gateway)');
    expect(humanNeeded(action('auto'), at(0, 'pass'))).toEqual({ needed: false });
    expect(humanNeeded(action('auto'), at(0, 'no-data')).needed).toBe(true);
  });

  it('ends a migration on its own only after a passing last soak', () => {
    const gate: Step = { kind: 'gate', index: 5, name: 'completion' };
    expect(humanNeeded(gate, at(100, 'pass'))).toEqual({ needed: false });
    expect(humanNeeded(gate, at(100, 'no-data')).waitingFor).toBe(
      'approval of completion (auto-advance held: the last analysis verdict was no-data)',
    );
  });

  it('holds the next gate for a human when a step before asks for it, whatever the analysis says', () => {
    const gate: Step = { kind: 'gate', index: 6, name: 'completion' };
    const held = { ...at(100, 'pass'), held: 'step 5 (source drained) did not hold within 1h: 3 requests/s' };
    expect(humanNeeded(gate, held)).toEqual({
      needed: true,
      waitingFor: 'approval of completion (step 5 (source drained) did not hold within 1h: 3 requests/s)',
    });
    expect(approvedAllOpens(gate, held)).toBe(false);
    expect(humanNeeded({ kind: 'soak', index: 6, name: 'soak', soakMs: 1 }, held)).toEqual({ needed: false });
  });

  it('never stops for a step that only waits or soaks', () => {
    const awaitStep: Step = { kind: 'await', index: 1, name: 'ready', condition: 'ready', args: {}, timeoutMs: 1 };
    const soak: Step = { kind: 'soak', index: 2, name: 'soak', soakMs: 1 };
    expect(humanNeeded(awaitStep, at(0, 'breach'))).toEqual({ needed: false });
    expect(humanNeeded(soak, at(0, 'breach'))).toEqual({ needed: false });
  });
});

describe('approve-all', () => {
  it('opens a gate once its last soak passed, never one held by the analysis', () => {
    expect(approvedAllOpens(shift(50), at(10))).toBe(true);
    expect(approvedAllOpens(shift(50), at(10, 'skipped'))).toBe(true);
    for (const verdict of ['no-data', 'failing', 'breach'] as const)
      expect(approvedAllOpens(shift(50), at(10, verdict))).toBe(false);
  });

  it('leaves a step that cannot be undone to its own approval', () => {
    expect(approvedAllOpens(action('manual'), at(10))).toBe(false);
    expect(approvedAllOpens({ ...action('manual'), irreversible: false } as Step, at(10))).toBe(true);
  });

  it('lists the gates still to pass, marking those that need their own approval', () => {
    const completion: Step = { kind: 'gate', index: 4, name: 'completion' };
    const wait: Step = { kind: 'await', index: 1, name: 'canary ready', condition: 'ready', args: {}, timeoutMs: 1 };
    expect(remainingGates([wait, shift(50), action('manual'), completion], 1)).toEqual([
      { label: 'phase 2 (half 50/50)', ownApproval: false },
      { label: 'step 3 (upgrade the gateway)', ownApproval: true },
      { label: 'completion', ownApproval: false },
    ]);
    expect(remainingGates([shift(50), action('manual'), completion], 4)).toEqual([
      { label: 'completion', ownApproval: false },
    ]);
  });
});

describe('gateApproval', () => {
  it('gives the approval mode of the steps that have a gate: actions and shifts that send more to the target', () => {
    const first: Step = { ...shift(0), index: 0, phase: 0, weights: { source: 100, target: 0 } } as Step;
    const second: Step = { ...shift(10, 'auto'), index: 1, phase: 1 } as Step;
    const same: Step = { ...shift(10), index: 2, phase: 2 } as Step;
    const steps = [first, second, same];
    const start = { source: 100, target: 0 };
    expect(steps.map((step) => gateApproval(step, steps, start))).toEqual([undefined, 'auto', undefined]);
    expect(gateApproval(action('manual'), steps, start)).toBe('manual');
    expect(gateApproval({ kind: 'gate', index: 3, name: 'completion' }, steps, start)).toBeUndefined();
  });
});
