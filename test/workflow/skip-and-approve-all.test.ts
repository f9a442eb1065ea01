// The controls an approver uses to go faster, on the time-skipping server: skip-soak ends the running
// soak as if its time had run out; approve-all ("promote --full") approves every remaining gate as it
// comes, each step still verified and analysed, a held analysis still holding, and a step that cannot
// be undone still waiting for its own approval. Both are recorded with who and why.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approveAllUpdate, approveUpdate, rollbackUpdate, skipSoakUpdate } from '../../src/api/names.js';
import type { MigrationInput } from '../../src/plan/index.js';
import {
  drive,
  FakeWorld,
  type Handle,
  invariantViolations,
  keepHistory,
  lbInput,
  startMigration,
  status,
  useTestServer,
  withWorker,
} from './harness.js';
import { bundleWithTestDriver } from './steps-driver/bundle.js';

const server = useTestServer();
let world: FakeWorld;
afterEach(() => {
  expect(invariantViolations(world)).toEqual([]);
});

const HOUR = 3_600_000;

async function refused(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => {
      throw new Error('the update was accepted');
    },
    (error: unknown) => {
      if (!(error instanceof WorkflowUpdateFailedError)) throw error;
      return error.cause?.message ?? error.message;
    },
  );
}

async function endOfTest(handle: Handle) {
  await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'zoe', reason: 'end of test' }] });
  expect((await handle.result()).outcome).toBe('rolled-back');
}

describe('skip-soak', () => {
  it('ends the running soak at once; the next gate then waits as after a soak that ran out', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-sk1']));
      const soaking = await drive(server(), handle, { until: (s) => s.state === 'soaking' && s.phaseIndex === 1 });
      expect(soaking.soak?.totalMs).toBe(HOUR);
      const answer = await handle.executeUpdate(skipSoakUpdate, {
        args: [{ by: 'kai', reason: 'the canary ran clean for a day in staging' }],
      });
      expect(answer.message).toMatch(
        /^skipped the rest of the soak of phase 1 \(canary 90\/10\) \((59m \d+s|1h) left\) by kai: the canary ran clean/,
      );
      const next = await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
      expect(next.waitingFor).toBe('approval of phase 2 (half 50/50)');
      const phase1 = next.steps[1];
      expect(Date.parse(phase1?.endedAt ?? '') - Date.parse(phase1?.startedAt ?? '')).toBeLessThan(HOUR / 2);
      expect(next.actions.at(-1)).toMatchObject({
        kind: 'skip-soak',
        by: 'kai',
        reason: 'the canary ran clean for a day in staging',
        phase: 1,
        outcome: 'accepted',
      });
      expect(await refused(handle.executeUpdate(skipSoakUpdate, { args: [{ by: 'kai', reason: 'again' }] }))).toBe(
        'skip-soak refused: no soak is running (the migration is waiting-approval)',
      );
      await keepHistory(handle, 'skip-soak');
      await endOfTest(handle);
    });
  });
});

describe('approve-all', () => {
  it('approves the waiting gate and every later one as it comes, still verifying and analysing each', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-aa1']));
      await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
      const answer = await handle.executeUpdate(approveAllUpdate, {
        args: [{ by: 'dan', reason: 'change window until 18:00' }],
      });
      expect(answer.message).toBe('approved every remaining step by dan; each still verified and analysed');
      const final = await drive(server(), handle, { approve: false });
      // The workflow returns after its last notification: its activity must not outlive this worker.
      expect((await handle.result()).outcome).toBe('completed');
      expect(final.approvedAll).toMatchObject({ by: 'dan', reason: 'change window until 18:00' });
      expect(final.actions.map((a) => `${a.kind}:${a.by}:${a.via}:${a.phase}`)).toEqual([
        'approve-all:dan:update:1',
        'approve:dan:approve-all:2',
        'approve:dan:approve-all:3',
        'approve:dan:approve-all:4',
      ]);
      // Completion waits for no one after a passing soak: nothing to approve there.
      expect(final.actions.slice(1).every((a) => a.reason === 'change window until 18:00')).toBe(true);
      await keepHistory(handle, 'approve-all');
    });
    // Every phase was written, verified and soaked with its analysis.
    expect(world.calls.filter((call) => call.startsWith('analyze:'))).toEqual([
      'analyze:1',
      'analyze:2',
      'analyze:3',
      'analyze:4',
    ]);
  });

  it('still rolls back on a breach, and a gate held by the analysis still waits for a human', async () => {
    world = new FakeWorld();
    world.dataShare = (step) => (step === 2 ? 0.1 : 1);
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-aa2']));
      await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
      await handle.executeUpdate(approveAllUpdate, { args: [{ by: 'dan', reason: 'go' }] });
      const held = await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
      expect(held.waitingFor).toBe(
        'approval of phase 3 (majority 10/90) (auto-advance held: the last analysis verdict was no-data: data for 10% of the soak, 80% needed)',
      );
      world.verdict = (step) => (step === 3 ? 'breach' : 'pass');
      await handle.executeUpdate(approveUpdate, { args: [{ by: 'eve', comment: 'looked at the dashboards' }] });
      await drive(server(), handle, { approve: false });
      const result = await handle.result();
      expect(result.outcome).toBe('rolled-back');
      expect(result.rollback).toMatchObject({ by: 'gateshift', kind: 'breach' });
      expect(world.current('lb-aa2')).toEqual({ source: 100, target: 0 });
    });
  });

  it('refuses a second approve-all, naming who gave the first', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-aa3']));
      await drive(server(), handle, { until: (s) => s.state === 'soaking' && s.phaseIndex === 1 });
      await handle.executeUpdate(approveAllUpdate, { args: [{ by: 'dan', reason: 'go' }] });
      expect(await refused(handle.executeUpdate(approveAllUpdate, { args: [{ by: 'fay', reason: 'go too' }] }))).toBe(
        'approve-all refused: every remaining step was already approved by dan (go)',
      );
      expect((await status(handle)).approvedAll).toMatchObject({ by: 'dan', reason: 'go' });
      await endOfTest(handle);
    });
  });
});

describe('approve-all with a step that cannot be undone', () => {
  let bundle: { workflowBundle: { code: string } };
  beforeAll(async () => {
    bundle = { workflowBundle: { code: await bundleWithTestDriver() } };
  });
  const input = (name: string) =>
    ({ traffic: { kind: 'test-steps', name }, approval: { mode: 'manual' } }) as unknown as MigrationInput;

  it('leaves the irreversible step to its own approval, then goes on approving', async () => {
    world = new FakeWorld();
    await withWorker(
      server(),
      world,
      async () => {
        const handle = await startMigration(server(), input('promote'));
        await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
        const answer = await handle.executeUpdate(approveAllUpdate, { args: [{ by: 'gus', reason: 'release day' }] });
        expect(answer.message).toBe(
          'approved every remaining step by gus, except step 3 (upgrade), which cannot be undone and waits for its own approval; each still verified and analysed',
        );
        const waiting = await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
        expect(waiting.waitingFor).toBe('approval of step 3 (upgrade)');
        expect(await refused(handle.executeUpdate(approveAllUpdate, { args: [{ by: 'hal', reason: 'x' }] }))).toBe(
          'approve-all refused: every remaining step was already approved by gus (release day)',
        );
        await handle.executeUpdate(approveUpdate, { args: [{ by: 'ivy', step: 3, comment: 'upgrade checked' }] });
        const final = await drive(server(), handle, { approve: false });
        expect((await handle.result()).outcome).toBe('completed');
        expect(final.actions.map((a) => `${a.kind}:${a.by}:${a.via}:${a.step}`)).toEqual([
          'approve-all:gus:update:0',
          'approve:ivy:update:3',
          'approve:gus:approve-all:6',
        ]);
      },
      bundle,
    );
  });

  it('given while the irreversible step waits, leaves that one waiting and approves the later ones', async () => {
    world = new FakeWorld();
    await withWorker(
      server(),
      world,
      async () => {
        const handle = await startMigration(server(), input('own'));
        await drive(server(), handle, { until: (s) => s.state === 'waiting-approval' && s.stepIndex >= 2 });
        const answer = await handle.executeUpdate(approveAllUpdate, { args: [{ by: 'gus', reason: 'x' }] });
        expect(answer.message).toContain('except step 3 (upgrade)');
        expect((await status(handle)).waitingFor).toBe('approval of step 3 (upgrade)');
        await endOfTest(handle);
      },
      bundle,
    );
  });
});
