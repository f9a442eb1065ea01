// A resource is held by one migration at a time: a second one touching any of its CLBs is refused with the
// holder's name, and the CLB is free again as soon as the holder ends.
import { Client, WorkflowFailedError } from '@temporalio/client';
import { expect, it } from 'vitest';
import { rollbackUpdate } from '../../src/api/names.js';
import {
  drive,
  FakeWorld,
  invariantViolations,
  lbInput,
  startMigration,
  useTestServer,
  withWorker,
} from './harness.js';

const server = useTestServer();

it('refuses a second migration that shares one CLB, naming the running one, and frees the CLB after a rollback', async () => {
  const world = new FakeWorld();
  const client = new Client({ connection: server().connection, namespace: server().namespace });
  await withWorker(server(), world, async () => {
    const first = await startMigration(server(), lbInput(['lb-public1', 'lb-internal1']), 'migration-first', client);
    await drive(server(), first, { until: (s) => s.state === 'waiting-approval' });

    const second = await startMigration(server(), lbInput(['lb-other1', 'lb-internal1']), 'migration-second', client);
    const error = await second.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause?.message).toBe(
      'clb/lb-internal1 is held by running migration migration-first: wait for it to end or roll it back before starting another',
    );
    expect(world.calls.filter((call) => call === 'preflight')).toHaveLength(1);

    // The refused migration released what it had taken: lb-other1 is free.
    const third = await startMigration(server(), lbInput(['lb-other1']), 'migration-third', client);
    await drive(server(), third, { until: (s) => s.state === 'waiting-approval' });
    await third.executeUpdate(rollbackUpdate, { args: [{ by: 'ops', reason: 'end of test' }] });
    expect((await third.result()).outcome).toBe('rolled-back');

    await first.executeUpdate(rollbackUpdate, { args: [{ by: 'ops', reason: 'make room' }] });
    expect((await first.result()).outcome).toBe('rolled-back');

    const again = await startMigration(server(), lbInput(['lb-internal1']), 'migration-again', client);
    await drive(server(), again, { until: (s) => s.state === 'waiting-approval' });
    await again.executeUpdate(rollbackUpdate, { args: [{ by: 'ops', reason: 'end of test' }] });
    expect((await again.result()).outcome).toBe('rolled-back');
  });
  expect(invariantViolations(world)).toEqual([]);
});
