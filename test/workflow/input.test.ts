// Bad input is refused by the workflow itself (a start from the Temporal CLI or Web UI skips the
// gateshift CLI's check) before any activity runs, with a message naming the field.
import { WorkflowFailedError } from '@temporalio/client';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { MigrationInput } from '../../src/plan/index.js';
import { FakeWorld, lbInput, startMigration, useTestServer, withWorker } from './harness.js';

const server = useTestServer();

async function refusal(input: unknown): Promise<{ message: string; type?: string; field?: string }> {
  const error = await (await startMigration(server(), input as MigrationInput)).result().catch((e: unknown) => e);
  if (!(error instanceof WorkflowFailedError)) throw new Error(`expected a refusal, got ${JSON.stringify(error)}`);
  const cause = error.cause as { message: string; type?: string; details?: { field?: string }[] };
  return { message: cause.message, type: cause.type, field: cause.details?.[0]?.field };
}

it('refuses a bad input with the field named, and runs no activity', async () => {
  const world = new FakeWorld();
  await withWorker(server(), world, async () => {
    const input = lbInput(['lb-in1']);
    const refused = await refusal({ ...input, phases: [{ sourceWeight: 0, targetWeight: 0 }] });
    expect(refused.type).toBe('InvalidInput');
    expect(refused.field).toBe('phases[0]');
    expect(refused.message).toMatch(/^invalid input: phases\[0\]: every gateway is at weight 0/);
  });
  expect(world.calls).toEqual([]);
});

const validInput = lbInput(['lb-in2']);
const { traffic } = validInput;
const inTraffic = (change: object) => ({ traffic: { ...traffic, ...change } });
const mutations = fc.oneof(
  fc.record({ loadBalancers: fc.constant([]) }).map(inTraffic),
  fc.record({ loadBalancers: fc.constant([...traffic.loadBalancers, ...traffic.loadBalancers]) }).map(inTraffic),
  fc.record({ source: fc.constant({ ...traffic.source, selector: {} }) }).map(inTraffic),
  fc.record({ kind: fc.string().filter((kind) => kind !== 'clb-annotation') }).map(inTraffic),
  fc.record({
    phases: fc.array(fc.record({ sourceWeight: fc.integer({ min: 101, max: 10_000 }), targetWeight: fc.integer() }), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({ phases: fc.constant([{ sourceWeight: 50, targetWeight: 50, soak: 'soon' }]) }),
  fc.record({ approval: fc.record({ mode: fc.string().filter((s) => s !== 'manual' && s !== 'auto') }) }),
  fc.dictionary(
    fc
      .string({ minLength: 1 })
      .filter(
        (key) =>
          !(key in validInput) &&
          !['traffic', 'phases', 'approval', 'analysis', 'routes', 'verifyTimeout', 'title'].includes(key) &&
          key !== '__proto__',
      ),
    // JSON values only: the input travels as JSON, where a key holding undefined vanishes and leaves
    // the valid input, which then runs (this made the test hang now and then).
    fc.jsonValue(),
    { minKeys: 1, maxKeys: 2 },
  ),
);

it('lets no invalid input reach an activity (property)', async () => {
  const world = new FakeWorld();
  await withWorker(server(), world, async () => {
    await fc.assert(
      fc.asyncProperty(mutations, async (mutation) => {
        const refused = await refusal({ ...validInput, ...mutation });
        expect(refused.type).toBe('InvalidInput');
        expect(refused.message).toMatch(/^invalid input: \S/);
      }),
      { numRuns: 30 },
    );
  });
  expect(world.calls).toEqual([]);
  expect(world.writes).toEqual([]);
});
