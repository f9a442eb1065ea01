// The refusals of the human controls, from every situation, without a server.
import { describe, expect, it } from 'vitest';
import { type ControlView, refusal } from '../../src/plan/index.js';

const laterGates = [
  { label: 'phase 3 (majority 10/90)', ownApproval: false },
  { label: 'completion', ownApproval: false },
];
const waiting: ControlView = {
  stage: 'waiting-approval',
  gate: { step: 2, phase: 2, label: 'phase 2 (half 50/50)' },
  current: 'phase 1 (canary 90/10)',
  soakRemainingMs: 0,
  remainingGates: [{ label: 'phase 2 (half 50/50)', ownApproval: false }, ...laterGates],
};
const soaking: ControlView = {
  stage: 'soaking',
  gate: null,
  current: 'phase 1 (canary 90/10)',
  soakRemainingMs: 37 * 60_000,
  remainingGates: laterGates,
};

describe('refusal', () => {
  it('accepts an approval of the gate that waits, for the phase or step it names', () => {
    expect(refusal('approve', { by: 'ann' }, waiting)).toBeUndefined();
    expect(refusal('approve', { by: 'ann', phase: 2 }, waiting)).toBeUndefined();
    expect(refusal('approve', { by: 'ann', step: 2 }, waiting)).toBeUndefined();
  });

  it('refuses a second approval of one gate, naming who approved first', () => {
    const approved = { ...waiting, gate: { ...waiting.gate, approvedBy: 'ann' } } as ControlView;
    expect(refusal('approve', { by: 'bob' }, approved)).toBe(
      'approve refused: phase 2 (half 50/50) was already approved by ann',
    );
  });

  it('refuses an approval meant for another phase or step, saying what the migration waits for', () => {
    expect(refusal('approve', { by: 'ann', phase: 3 }, waiting)).toBe(
      'approve refused: the approval is for phase 3, but the migration waits for approval of phase 2 (half 50/50)',
    );
    expect(refusal('approve', { by: 'ann', step: 4 }, waiting)).toBe(
      'approve refused: the approval is for step 4, but the migration waits for approval of phase 2 (half 50/50)',
    );
  });

  it('says what the migration is busy with when nothing waits for an approval', () => {
    expect(refusal('approve', { by: 'ann' }, soaking)).toBe(
      'approve refused: phase 1 (canary 90/10) is soaking, 37m left',
    );
    expect(refusal('approve', { by: 'ann' }, { ...soaking, stage: 'acting', current: 'step 3 (upgrade)' })).toBe(
      'approve refused: step 3 (upgrade) is running',
    );
    expect(refusal('resume', { by: 'ann' }, soaking)).toBe(
      'resume refused: the migration is not paused (phase 1 (canary 90/10) is soaking, 37m left)',
    );
  });

  it('requires who, and why for a pause or a rollback', () => {
    expect(refusal('pause', { by: 'ann', reason: ' ' }, soaking)).toBe('pause refused: reason is required');
    expect(refusal('rollback', { by: '', reason: 'x' }, soaking)).toBe('rollback refused: by is required');
  });

  it('refuses a pause of a paused migration and an approval before the resume', () => {
    const paused = { ...waiting, paused: { by: 'carl', reason: 'incident' } };
    expect(refusal('pause', { by: 'ann', reason: 'again' }, paused)).toBe(
      'pause refused: already paused by carl (incident)',
    );
    expect(refusal('approve', { by: 'ann' }, paused)).toBe(
      'approve refused: the migration is paused by carl (incident); resume it first',
    );
    expect(refusal('resume', { by: 'ann' }, paused)).toBeUndefined();
  });

  it('accepts a rollback from every running state, except past a step that cannot be undone', () => {
    for (const stage of [
      'preflight',
      'waiting-approval',
      'applying',
      'verifying',
      'acting',
      'awaiting',
      'soaking',
    ] as const)
      expect(refusal('rollback', { by: 'ann', reason: 'stop' }, { ...soaking, stage })).toBeUndefined();
    expect(
      refusal(
        'rollback',
        { by: 'ann', reason: 'stop' },
        { ...soaking, rollbackBlocked: 'step 3 (upgrade) has started' },
      ),
    ).toBe('rollback refused: step 3 (upgrade) has started');
  });

  it('refuses everything once the migration has ended or while it rolls back', () => {
    for (const stage of ['completed', 'rolled-back', 'failed'] as const)
      expect(refusal('pause', { by: 'ann', reason: 'x' }, { ...soaking, stage })).toBe(
        `pause refused: the migration has already ended (${stage})`,
      );
    expect(refusal('approve', { by: 'ann' }, { ...soaking, stage: 'rolling-back' })).toBe(
      'approve refused: a rollback is in progress',
    );
  });

  it('skips a soak only while one runs, and says why', () => {
    expect(
      refusal('skip-soak', { by: 'ann', reason: 'the canary was clean for an hour yesterday' }, soaking),
    ).toBeUndefined();
    expect(refusal('skip-soak', { by: 'ann', reason: '' }, soaking)).toBe('skip-soak refused: reason is required');
    expect(refusal('skip-soak', { by: 'ann', reason: 'x' }, waiting)).toBe(
      'skip-soak refused: no soak is running (the migration is waiting-approval)',
    );
    expect(
      refusal('skip-soak', { by: 'ann', reason: 'x' }, { ...soaking, paused: { by: 'carl', reason: 'incident' } }),
    ).toBe('skip-soak refused: the migration is paused by carl (incident); resume it first');
  });

  it('approves every remaining step once, with a reason, unless each needs its own approval', () => {
    expect(refusal('approve-all', { by: 'ann', reason: 'change window' }, waiting)).toBeUndefined();
    expect(refusal('approve-all', { by: 'ann', reason: 'change window' }, soaking)).toBeUndefined();
    expect(refusal('approve-all', { by: 'ann', reason: ' ' }, waiting)).toBe('approve-all refused: reason is required');
    expect(
      refusal(
        'approve-all',
        { by: 'bob', reason: 'x' },
        { ...waiting, approvedAll: { by: 'ann', reason: 'change window' } },
      ),
    ).toBe('approve-all refused: every remaining step was already approved by ann (change window)');
    expect(
      refusal(
        'approve-all',
        { by: 'ann', reason: 'x' },
        { ...soaking, remainingGates: [{ label: 'step 3 (upgrade)', ownApproval: true }] },
      ),
    ).toBe(
      'approve-all refused: step 3 (upgrade) cannot be undone: approve it on its own when the migration waits for it',
    );
    expect(refusal('approve-all', { by: 'ann', reason: 'x' }, { ...soaking, remainingGates: [] })).toBe(
      'approve-all refused: no step is left to approve',
    );
    expect(
      refusal('approve-all', { by: 'ann', reason: 'x' }, { ...soaking, paused: { by: 'carl', reason: 'incident' } }),
    ).toBe('approve-all refused: the migration is paused by carl (incident); resume it first');
  });
});
