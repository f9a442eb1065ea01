// Drained before done: after 0/100 the migration does not end while the source gateway still serves
// requests (clients on keep-alive connections); it ends once they are gone, and when they are not gone
// in time a human decides, with the weights left at 0/100.
import { expect, it } from 'vitest';
import { approveUpdate, rollbackUpdate } from '../../src/api/names.js';
import {
  drive,
  FakeWorld,
  keepHistory,
  lbInput,
  startMigration,
  status,
  useTestServer,
  waitFor,
  withWorker,
} from './harness.js';

const server = useTestServer();

const DRAIN_STEP = 2;

function input(drain?: { for: string; timeout: string }) {
  const base = lbInput(
    ['lb-a1'],
    [
      { sourceWeight: 100, targetWeight: 0 },
      { sourceWeight: 0, targetWeight: 100 },
    ],
  );
  return { ...base, approval: { mode: 'auto' as const }, traffic: { ...base.traffic, drain } };
}

it('waits after 0/100 while the source still serves requests, showing what it found, and ends once drained', async () => {
  const world = new FakeWorld();
  let drained = false;
  world.conditionMet = (condition) => condition !== 'source-drained' || drained;
  world.conditionCheckMs = 200;
  await withWorker(server(), world, async () => {
    const handle = await startMigration(server(), input());
    const waiting = await waitFor(
      handle,
      (s) => s.state === 'awaiting' && s.steps[DRAIN_STEP]?.outcome !== undefined,
      'the drain step to report',
    );
    expect(waiting.waitingFor).toBe('source drained: under 0.1 requests/s for 5m (up to 1h)');
    expect(waiting.steps[DRAIN_STEP]).toMatchObject({ state: 'running', outcome: 'source-drained does not hold' });
    expect(waiting.desired).toEqual({ source: 0, target: 100 });
    drained = true;
    await drive(server(), handle);
    const result = await handle.result();
    expect(result.outcome).toBe('completed');
    const final = await status(handle);
    expect(final.steps[DRAIN_STEP]).toMatchObject({ state: 'done', outcome: 'source-drained holds' });
  });
  const checks = world.calls.filter((call) => call === 'await:source-drained').length;
  expect(checks).toBeGreaterThan(1);
  // The drain writes nothing: the last writes are those of 0/100.
  expect(world.writes.at(-1)).toMatchObject({ side: 'source', weight: 0, purpose: 'phase' });
});

it('leaves the decision to a human when the source does not drain in time: approve ends it at 0/100', async () => {
  const world = new FakeWorld();
  world.conditionMet = (condition) => condition !== 'source-drained';
  await withWorker(server(), world, async () => {
    const handle = await startMigration(server(), input({ for: '1m', timeout: '2m' }));
    const held = await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
    expect(held.waitingFor).toBe(
      'approval of completion (step 2 (source drained: under 0.1 requests/s for 1m) did not hold within 2m: source-drained does not hold)',
    );
    expect(held.desired).toEqual({ source: 0, target: 100 });
    await handle.executeUpdate(approveUpdate, { args: [{ by: 'olga', comment: 'the last clients are batch jobs' }] });
    const result = await handle.result();
    expect(result.outcome).toBe('completed');
    expect(result.finalWeights).toEqual({ source: 0, target: 100 });
    expect(result.actions.at(-1)).toMatchObject({ kind: 'approve', by: 'olga', step: 3, outcome: 'accepted' });
    await keepHistory(handle, 'drain-held');
  });
  // Four slices of 30 s over the 2 minutes.
  expect(world.calls.filter((call) => call === 'await:source-drained')).toHaveLength(4);
});

it('rolls back to 100/0 when the human decides so instead', async () => {
  const world = new FakeWorld();
  world.conditionMet = (condition) => condition !== 'source-drained';
  await withWorker(server(), world, async () => {
    const handle = await startMigration(server(), input({ for: '1m', timeout: '2m' }));
    await drive(server(), handle, { approve: false, until: (s) => s.state === 'waiting-approval' });
    await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'olga', reason: 'clients still on Istio' }] });
    const result = await handle.result();
    expect(result.outcome).toBe('rolled-back');
    expect(result.finalWeights).toEqual({ source: 100, target: 0 });
  });
});
