import { expect, it } from 'vitest';
import {
  drive,
  FakeWorld,
  invariantViolations,
  keepHistory,
  lbInput,
  startMigration,
  useTestServer,
  withWorker,
} from './harness.js';

const server = useTestServer();

it('runs the default plan with its real soak durations to 0/100 in seconds, approved by a human', async () => {
  const world = new FakeWorld();
  let historyEvents = 0;
  let planEvents = 0;
  const started = Date.now();
  const result = await withWorker(server(), world, async () => {
    const handle = await startMigration(server(), lbInput(['lb-a1', 'lb-b1']));
    // Status queries that reach the test server while a workflow task is in flight add workflow tasks
    // to its history (measured: polling every 20 ms gave 227-245 events, every 250 ms 212-218), so the
    // count is taken with a slow poll, as the CLI and the UI poll.
    await drive(server(), handle, { pollMs: 250 });
    const result = await handle.result();
    // The whole history is the measure; the events besides workflow tasks (the commands and
    // what answered them) are the plan's own cost, steady whatever the timing.
    const events = (await handle.fetchHistory()).events ?? [];
    historyEvents = events.length;
    planEvents = events.filter(
      (event) =>
        !event.workflowTaskScheduledEventAttributes &&
        !event.workflowTaskStartedEventAttributes &&
        !event.workflowTaskCompletedEventAttributes,
    ).length;
    await keepHistory(handle, 'default-plan');
    return result;
  });
  const wallMs = Date.now() - started;
  expect(result.outcome).toBe('completed');
  expect(result.finalWeights).toEqual({ source: 0, target: 100 });
  expect(world.current('lb-a1')).toEqual({ source: 0, target: 100 });
  expect(world.current('lb-b1')).toEqual({ source: 0, target: 100 });
  expect(result.actions.filter((a) => a.kind === 'approve' && a.outcome === 'accepted').map((a) => a.phase)).toEqual([
    1, 2, 3, 4,
  ]);
  expect(world.violations).toEqual([]);
  console.log(
    `default plan (1h/2h/1h/1h soaks): wall time ${wallMs} ms, ${historyEvents} history events, ${planEvents} besides workflow tasks`,
  );
  expect(historyEvents).toBeLessThanOrEqual(250);
  expect(planEvents).toBeLessThanOrEqual(150);
  expect(invariantViolations(world)).toEqual([]);
  expect(wallMs).toBeLessThan(60_000);
});
