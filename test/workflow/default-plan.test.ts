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
  const started = Date.now();
  const result = await withWorker(server(), world, async () => {
    const handle = await startMigration(server(), lbInput(['lb-a1', 'lb-b1']));
    await drive(server(), handle);
    const result = await handle.result();
    // Workflow task events come and go with timing and load (a busy machine splits tasks); the commands
    // and what answered them are the plan's own cost.
    const events = (await handle.fetchHistory()).events ?? [];
    historyEvents = events.filter(
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
    `default plan (1h/2h/1h/1h soaks): wall time ${wallMs} ms, ${historyEvents} history events besides workflow tasks`,
  );
  expect(historyEvents).toBeLessThanOrEqual(150);
  expect(invariantViolations(world)).toEqual([]);
  expect(wallMs).toBeLessThan(60_000);
});
