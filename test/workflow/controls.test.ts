// Every human control from every state, on the time-skipping server, with the weight writes checked
// against the invariants after each test.
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { approveSignal, approveUpdate, pauseUpdate, resumeUpdate, rollbackUpdate } from '../../src/api/names.js';
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

const server = useTestServer();
let world: FakeWorld;
afterEach(() => {
  expect(invariantViolations(world)).toEqual([]);
});

const HOUR = 3_600_000;

function refusalOf(error: unknown): string {
  if (!(error instanceof WorkflowUpdateFailedError)) throw error;
  return error.cause?.message ?? error.message;
}

async function refused(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => {
      throw new Error('the update was accepted');
    },
    (error: unknown) => refusalOf(error),
  );
}

async function soakingPhase1(handle: Handle) {
  return drive(server(), handle, { until: (s) => s.state === 'soaking' && s.phaseIndex === 1 });
}

async function expectRolledBack(handle: Handle, by: string) {
  const result = await handle.result();
  expect(result.outcome).toBe('rolled-back');
  expect(result.rollback?.by).toBe(by);
  expect(result.finalWeights).toEqual({ source: 100, target: 0 });
  expect(world.current('lb-ctl1')).toEqual({ source: 100, target: 0 });
  return result;
}

describe('approve', () => {
  it('is refused while a phase soaks, with the time left, and recorded when sent as a signal', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await soakingPhase1(handle);
      const message = await refused(handle.executeUpdate(approveUpdate, { args: [{ by: 'bob' }] }));
      expect(message).toMatch(/^approve refused: phase 1 \(canary 90\/10\) is soaking, (59m \d+s|1h) left$/);
      await handle.signal(approveSignal, { by: 'bob', comment: 'too early' });
      const current = await status(handle);
      expect(current.actions.at(-1)).toMatchObject({ kind: 'approve', by: 'bob', outcome: 'refused', via: 'signal' });
      expect(current.state).toBe('soaking');
      await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'bob', reason: 'end of test' }] });
      await expectRolledBack(handle, 'bob');
    });
  });

  it('refuses an approval meant for another phase', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await drive(server(), handle, { until: (s) => s.state === 'waiting-approval' });
      const message = await refused(handle.executeUpdate(approveUpdate, { args: [{ by: 'bob', phase: 3 }] }));
      expect(message).toContain('waits for approval of phase 1 (canary 90/10)');
      const answer = await handle.executeUpdate(approveUpdate, { args: [{ by: 'bob', phase: 1 }] });
      expect(answer.message).toBe('approved phase 1 (canary 90/10) by bob');
      await drive(server(), handle, { until: (s) => s.state === 'soaking' });
      await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'bob', reason: 'end of test' }] });
      await expectRolledBack(handle, 'bob');
    });
  });
});

describe('approvals that arrive together', () => {
  it('open a gate with exactly one of them; the others are refused, naming who approved first', async () => {
    world = new FakeWorld();
    const handle = await withWorker(
      server(),
      world,
      async () => {
        const started = await startMigration(server(), lbInput(['lb-ctl1']));
        await drive(server(), started, { approve: false, until: (s) => s.state === 'waiting-approval' });
        return started;
      },
      { cache: false },
    );
    // No worker meanwhile: both signals wait on the server and reach the workflow in one task.
    await handle.signal(approveSignal, { by: 'amy', comment: 'go' });
    await handle.signal(approveSignal, { by: 'ben', comment: 'go too' });
    await withWorker(
      server(),
      world,
      async () => {
        const current = await drive(server(), handle, { approve: false, until: (s) => s.state === 'soaking' });
        expect(current.actions.map((a) => `${a.kind}:${a.by}:${a.outcome}`)).toEqual([
          'approve:amy:accepted',
          'approve:ben:refused',
        ]);
        expect(current.actions[1]?.refusal).toBe('approve refused: phase 1 (canary 90/10) was already approved by amy');
        await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'amy', reason: 'end of test' }] });
        await expectRolledBack(handle, 'amy');
      },
      { cache: false },
    );
  });
});

describe('pause and resume', () => {
  it('stops the soak clock while paused and continues the remaining soak on resume', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await soakingPhase1(handle);
      await server().sleep(HOUR / 4);
      const answer = await handle.executeUpdate(pauseUpdate, { args: [{ by: 'carol', reason: 'incident elsewhere' }] });
      expect(answer.message).toMatch(/soak clock stopped with 4\dm( \d+s)? left/);
      const paused = await status(handle);
      expect(paused.state).toBe('paused');
      expect(paused.pausedFrom).toBe('soaking');
      await server().sleep(3 * HOUR);
      const stillPaused = await status(handle);
      expect(stillPaused.state).toBe('paused');
      expect(stillPaused.soak?.remainingMs).toBeGreaterThan(44 * 60_000);
      // A refused update leaves no trace in the history; the caller got the reason at once.
      expect(await refused(handle.executeUpdate(approveUpdate, { args: [{ by: 'carol' }] }))).toContain(
        'resume it first',
      );
      await handle.executeUpdate(resumeUpdate, { args: [{ by: 'carol' }] });
      await server().sleep(40 * 60_000);
      const resumed = await status(handle);
      expect(resumed.state).toBe('soaking');
      expect(resumed.phaseIndex).toBe(1);
      await server().sleep(10 * 60_000);
      const next = await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
      expect(next.waitingFor).toContain('phase 2');
      expect(next.actions.map((a) => `${a.kind}:${a.by}:${a.outcome}`)).toEqual([
        'approve:alice:accepted',
        'pause:carol:accepted',
        'resume:carol:accepted',
      ]);
      expect(next.actions[1]?.reason).toBe('incident elsewhere');
      await keepHistory(handle, 'pause-resume');
      await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'carol', reason: 'end of test' }] });
      await expectRolledBack(handle, 'carol');
    });
  });
});

describe('rollback restores 100/0 from every state', () => {
  it('while waiting for an approval', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await drive(server(), handle, { until: (s) => s.state === 'waiting-approval' && s.phaseIndex === 0 });
      await drive(server(), handle, { until: (s) => s.state === 'waiting-approval' && s.phaseIndex === 1 });
      await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'dave', reason: 'change freeze' }] });
      const result = await expectRolledBack(handle, 'dave');
      expect(result.rollback).toMatchObject({ reason: 'change freeze', fromState: 'waiting-approval', fromPhase: 1 });
    });
  });

  it('while paused', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await soakingPhase1(handle);
      await handle.executeUpdate(pauseUpdate, { args: [{ by: 'erin', reason: 'looking' }] });
      await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'erin', reason: 'latency looks wrong' }] });
      const result = await expectRolledBack(handle, 'erin');
      expect(result.rollback?.fromState).toBe('paused');
    });
  });

  it('while soaking, and the rollback raises the source first', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await drive(server(), handle, { until: (s) => s.state === 'soaking' && s.phaseIndex === 2 });
      await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'frank', reason: 'customer complaint' }] });
      await expectRolledBack(handle, 'frank');
      const rollbackWrites = world.writes.filter((w) => w.purpose === 'rollback').map((w) => `${w.side}=${w.weight}`);
      expect(rollbackWrites).toEqual(['source=100', 'target=0']);
      // The phases that began are undone, the ones to come never ran.
      expect((await status(handle)).steps.map((step) => step.state)).toEqual([
        'undone',
        'undone',
        'undone',
        'pending',
        'pending',
        'pending',
        'pending',
      ]);
      await keepHistory(handle, 'rollback-while-soaking');
    });
  });

  it('mid-verification, without waiting for the verification to finish', async () => {
    world = new FakeWorld();
    world.verifyDelayMs = 20_000;
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await drive(server(), handle, { until: (s) => s.state === 'verifying' });
      const asked = Date.now();
      await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'gina', reason: 'abort' }] });
      world.verifyDelayMs = 0;
      const result = await expectRolledBack(handle, 'gina');
      expect(Date.now() - asked).toBeLessThan(10_000);
      expect(result.rollback?.fromState).toBe('verifying');
    });
  });

  it('when the workflow is cancelled from Temporal', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await soakingPhase1(handle);
      await handle.cancel();
      const result = await expectRolledBack(handle, 'temporal');
      expect(result.rollback?.reason).toBe('the workflow was cancelled');
    });
  });

  it('refuses controls once the migration has ended', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await drive(server(), handle, { until: (s) => s.state === 'waiting-approval' });
      await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'hank', reason: 'not today' }] });
      await expectRolledBack(handle, 'hank');
      await expect(handle.executeUpdate(rollbackUpdate, { args: [{ by: 'hank', reason: 'again' }] })).rejects.toThrow();
    });
  });
});

describe('analysis', () => {
  it('rolls back by itself on a breach and records the breach', async () => {
    world = new FakeWorld();
    world.verdict = (phase) => (phase === 2 ? 'breach' : 'pass');
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await drive(server(), handle);
      const result = await expectRolledBack(handle, 'gateshift');
      expect(result.rollback?.reason).toContain('target-5xx-ratio');
      expect(result.rollback?.fromPhase).toBe(2);
      expect(result.breaches).toHaveLength(1);
      expect(result.breaches[0]).toMatchObject({ check: 'target-5xx-ratio', value: 0.2 });
      expect(result.actions.at(-1)).toMatchObject({ kind: 'rollback', by: 'gateshift', via: 'analysis' });
      expect(world.sinkCalls).toContain('rollback:breach');
      await keepHistory(handle, 'breach-rollback');
    });
  });

  it('pauses instead when the breach action is pause, and goes on after a resume', async () => {
    world = new FakeWorld();
    let breaches = 0;
    world.verdict = (phase) => (phase === 1 && breaches++ === 0 ? 'breach' : 'pass');
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), { ...lbInput(['lb-ctl1']), analysis: { onBreach: 'pause' } });
      const paused = await drive(server(), handle, { until: (s) => s.state === 'paused' });
      expect(paused.pausedFrom).toBe('soaking');
      expect(paused.breaches).toHaveLength(1);
      expect(world.current('lb-ctl1')).toEqual({ source: 90, target: 10 });
      await server().sleep(2 * HOUR);
      expect((await status(handle)).state).toBe('paused');
      await handle.executeUpdate(resumeUpdate, { args: [{ by: 'ivy' }] });
      await drive(server(), handle);
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(world.calls.filter((c) => c === 'analyze:1')).toHaveLength(2);
    });
  });

  it('never advances on its own without data, even with automatic approval', async () => {
    world = new FakeWorld();
    world.verdict = (phase) => (phase === 1 ? 'no-data' : 'pass');
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), { ...lbInput(['lb-ctl1']), approval: { mode: 'auto' } });
      const held = await drive(server(), handle, { until: (s) => s.state === 'waiting-approval' });
      expect(held.phaseIndex).toBe(1);
      expect(held.waitingFor).toBe(
        'approval of phase 2 (half 50/50) (auto-advance held: the last analysis verdict was no-data)',
      );
      await server().sleep(24 * HOUR);
      expect((await status(handle)).state).toBe('waiting-approval');
      await handle.executeUpdate(approveUpdate, { args: [{ by: 'jo', comment: 'traffic is low at night' }] });
      await drive(server(), handle, { approve: false });
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(result.actions.filter((a) => a.kind === 'approve').map((a) => a.by)).toEqual(['jo']);
      await keepHistory(handle, 'auto-no-data');
    });
  });

  it('holds an automatic gate when the soak had data for too little of its time, and says how much', async () => {
    world = new FakeWorld();
    world.dataShare = (step) => (step === 1 ? 1 / 3 : 1);
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), { ...lbInput(['lb-ctl1']), approval: { mode: 'auto' } });
      const held = await drive(server(), handle, { until: (s) => s.state === 'waiting-approval' });
      expect(held.phaseIndex).toBe(1);
      expect(held.analysis).toMatchObject({ verdict: 'pass', step: 1 });
      expect(held.analysis?.dataCoverage).toBeCloseTo(1 / 3, 2);
      expect(held.waitingFor).toBe(
        'approval of phase 2 (half 50/50) (auto-advance held: the last analysis verdict was no-data: data for 33% of the soak, 80% needed)',
      );
      await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'jo', reason: 'end of test' }] });
      await expectRolledBack(handle, 'jo');
    });
  });

  it('rolls back when the CLB does not reach the written weights', async () => {
    world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      await drive(server(), handle, { until: (s) => s.state === 'waiting-approval' && s.phaseIndex === 0 });
      world.verifyAgrees = false;
      await handle.executeUpdate(approveUpdate, { args: [{ by: 'kim' }] });
      const result = await expectRolledBack(handle, 'gateshift');
      expect(result.breaches[0]?.check).toBe('effective-weights');
      expect(result.rollback?.reason).toContain('did not reach the expected weights of phase 1');
    });
  });
});

describe('pre-flight', () => {
  it('stops the migration before any weight moves when a check fails', async () => {
    world = new FakeWorld();
    world.preflight = {
      ok: false,
      items: [
        {
          item: 'route bookinfo.example.com/productpage',
          ok: false,
          status: 'fail',
          why: 'target pods answered 404',
          fix: 'copy the VirtualService to ASM',
        },
      ],
    };
    await withWorker(server(), world, async () => {
      const handle = await startMigration(server(), lbInput(['lb-ctl1']));
      const error = await handle.result().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      // A short message; the checklist in the details, item by item; no stack trace to show.
      const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.message).toBe(
        'pre-flight failed, nothing was changed: 1 of 1 checks failed. First: route bookinfo.example.com/productpage: target pods answered 404',
      );
      expect(cause.type).toBe('PreflightFailed');
      expect(cause.details?.[0]).toEqual({ summary: '1 of 1 checks failed', items: world.preflight.items });
      expect(cause.stack).toBe('');
      expect(world.calls).toEqual(['preflight']);
      expect(world.writes).toEqual([]);
    });
  });
});
