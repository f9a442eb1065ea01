// The workflow tells the chat targets when it waits for a human, breaches, rolls back, completes or
// fails: once per event, with what the approver needs, in its own scope so that a rollback does not
// stop the message about it.
import { expect, it } from 'vitest';
import { drive, FakeWorld, lbInput, startMigration, useTestServer, withWorker } from './harness.js';

const server = useTestServer();
const notify = { targets: [{ name: 'ops', format: 'dingtalk' as const }] };

it('says when it waits for each approval and when it completed, with increasing sequence numbers', async () => {
  const world = new FakeWorld();
  await withWorker(server(), world, async () => {
    const handle = await startMigration(server(), { ...lbInput(['lb-nt1']), notify });
    await drive(server(), handle);
    expect((await handle.result()).outcome).toBe('completed');
  });
  const sent = [...world.notifications].sort((a, b) => a.seq - b.seq);
  expect(sent.map((n) => [n.seq, n.event.event, n.event.waitingFor ?? '-'])).toEqual([
    [1, 'waiting-approval', 'approval of phase 1 (canary 90/10)'],
    [2, 'waiting-approval', 'approval of phase 2 (half 50/50)'],
    [3, 'waiting-approval', 'approval of phase 3 (majority 10/90)'],
    [4, 'waiting-approval', 'approval of phase 4 (final 0/100)'],
    [5, 'completed', '-'],
  ]);
  const first = sent[0];
  expect(first?.config).toEqual(notify);
  expect(first?.event).toMatchObject({
    migrationId: expect.stringMatching(/^test-/),
    title: 'istio → asm',
    namespace: 'default',
  });
  expect(sent.at(-1)?.event).toMatchObject({
    stepOrPhaseLabel: 'completion',
    weights: { source: 0, target: 100 },
  });
});

it('reports a breach with its checks against their thresholds, then the rollback it caused', async () => {
  const world = new FakeWorld();
  world.verdict = (step) => (step === 2 ? 'breach' : 'pass');
  await withWorker(server(), world, async () => {
    const handle = await startMigration(server(), { ...lbInput(['lb-nt2']), approval: { mode: 'auto' } });
    await drive(server(), handle);
    expect((await handle.result()).outcome).toBe('rolled-back');
  });
  // The activities run concurrently: their sequence numbers, not their arrival, give the order.
  const [breach, rollback, ...rest] = [...world.notifications].sort((a, b) => a.seq - b.seq);
  expect(rest).toEqual([]);
  expect(breach?.config).toBeUndefined();
  expect(breach?.event).toMatchObject({
    event: 'breach',
    stepOrPhaseLabel: 'phase 2 (half 50/50)',
    weights: { source: 50, target: 50 },
    checks: [{ name: 'target-5xx-ratio', value: 0.2, threshold: 0.01, pass: false }],
  });
  expect(breach?.event.reason).toContain('target-5xx-ratio = 0.2 failed <= 0.01');
  expect(rollback?.event).toMatchObject({ event: 'rollback', by: 'gateshift', reason: breach?.event.reason });
});

it('says why it failed', async () => {
  const world = new FakeWorld();
  world.preflight = { ok: false, items: [{ item: 'routes answer', ok: false, status: 'fail', why: 'HTTP 404' }] };
  await withWorker(server(), world, async () => {
    const handle = await startMigration(server(), lbInput(['lb-nt3']));
    await expect(handle.result()).rejects.toThrow();
  });
  expect(world.notifications.map((n) => [n.event.event, n.event.reason])).toEqual([
    ['failed', 'pre-flight failed, nothing was changed: 1 of 1 checks failed. First: routes answer: HTTP 404'],
  ]);
});
