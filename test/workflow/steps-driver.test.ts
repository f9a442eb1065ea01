// A driver made only of actions, conditions and soaks (test/workflow/steps-driver/), run by the
// unchanged workflow: steps in order with their approvals, a condition that never holds rolls back by
// undoing what was created, and past an irreversible step a breach pauses and a rollback is refused.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { beforeAll, expect, it } from 'vitest';
import { approveUpdate, resumeUpdate, rollbackUpdate } from '../../src/api/names.js';
import type { MigrationInput } from '../../src/plan/index.js';
import { drive, FakeWorld, startMigration, status, useTestServer, withWorker } from './harness.js';
import { bundleWithTestDriver } from './steps-driver/bundle.js';

const server = useTestServer();
let bundle: { workflowBundle: { code: string } };

beforeAll(async () => {
  bundle = { workflowBundle: { code: await bundleWithTestDriver() } };
});

const input = (name: string, approval: 'auto' | 'manual' = 'auto') =>
  ({ traffic: { kind: 'test-steps', name }, approval: { mode: approval } }) as unknown as MigrationInput;

it('runs the actions, conditions and soaks in order, a human approving the irreversible step', async () => {
  const world = new FakeWorld();
  await withWorker(
    server(),
    world,
    async () => {
      const handle = await startMigration(server(), input('happy'));
      const waiting = await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
      expect(waiting.waitingFor).toBe('approval of step 3 (upgrade)');
      // The approver sees what the action would change, read just before its gate.
      expect(waiting.steps[3]?.preview).toBe('would create upgrade');
      expect(waiting.desired).toBeNull();
      await handle.executeUpdate(approveUpdate, { args: [{ by: 'olga', step: 3 }] });
      await drive(server(), handle, { approve: false });
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(result.finalWeights).toBeNull();
      const final = await status(handle);
      expect(final.steps.map((step) => step.state)).toEqual(Array(8).fill('done'));
      expect(final.steps[0]?.outcome).toBe('created create-canary');
    },
    bundle,
  );
  expect(world.calls).toEqual([
    'preflight',
    'action:create-canary',
    'await:canary-ready',
    'analyze:2',
    'action:upgrade',
    'await:upgraded',
    'analyze:5',
    'action:remove-canary',
  ]);
  expect([...world.created]).toEqual(['create-canary', 'upgrade', 'remove-canary']);
});

it('rolls back by undoing what it created when a condition never holds', async () => {
  const world = new FakeWorld();
  world.conditionMet = (condition) => condition !== 'canary-ready';
  await withWorker(
    server(),
    world,
    async () => {
      const handle = await startMigration(server(), input('stuck'));
      await drive(server(), handle, { approve: false });
      const result = await handle.result();
      expect(result.outcome).toBe('rolled-back');
      expect(result.rollback).toMatchObject({ by: 'gateshift', kind: 'timeout', fromStep: 1 });
      expect(result.rollback?.reason).toBe('step 1 (canary ready) did not hold within 10m: canary-ready does not hold');
      const final = await status(handle);
      expect(final.steps[0]).toMatchObject({ state: 'undone', outcome: 'removed create-canary' });
    },
    bundle,
  );
  // The condition is checked in slices of 30 s over its 10 minutes, each reported to the status.
  expect(world.calls).toEqual([
    'preflight',
    'action:create-canary',
    ...Array(20).fill('await:canary-ready'),
    'action:undo-create-canary',
  ]);
  expect(world.created.size).toBe(0);
});

it('pauses on a breach past the irreversible step and refuses a rollback, saying why', async () => {
  const world = new FakeWorld();
  let analyses = 0;
  world.verdict = (step) => (step === 5 && analyses++ === 0 ? 'breach' : 'pass');
  await withWorker(
    server(),
    world,
    async () => {
      const handle = await startMigration(server(), input('no-way-back'));
      await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
      await handle.executeUpdate(approveUpdate, { args: [{ by: 'olga' }] });
      const paused = await drive(server(), handle, { approve: false, until: (s) => s.state === 'paused' });
      expect(paused.paused?.by).toBe('gateshift');
      expect(paused.paused?.reason).toContain('no rollback: step 3 (upgrade) has started and cannot be undone');
      const refused = await handle
        .executeUpdate(rollbackUpdate, { args: [{ by: 'olga', reason: 'looks bad' }] })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((refused as WorkflowUpdateFailedError).cause?.message).toBe(
        'rollback refused: step 3 (upgrade) has started and cannot be undone; pause and fix forward',
      );
      await handle.executeUpdate(resumeUpdate, { args: [{ by: 'olga' }] });
      await drive(server(), handle, { approve: false });
      expect((await handle.result()).outcome).toBe('completed');
    },
    bundle,
  );
  expect(world.created.has('create-canary')).toBe(true);
});
