// The driver conformance suite: the same contract, run against every registered driver in its lab.
// Writing weights and reading them back is idempotent; a retry after a crash in the middle of a write
// ends where one clean write ends; a rollback restores the start state exactly; a refused request or
// input writes nothing. A driver added to the registries without a lab here fails the typecheck.
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MigrationActivities } from '../../activities/contracts.js';
import { activitiesFor } from '../../activities/index.js';
import { FAILURE } from '../../src/api/failures.js';
import {
  buildPlan,
  type DriverKind,
  InputError,
  PLAN_DRIVERS,
  type SideWeights,
  type TrafficPlan,
} from '../../src/plan/index.js';
import { clbAnnotationLab } from '../conformance/clb-annotation-lab.js';
import type { DriverLab, DriverWorld } from '../conformance/driver-lab.js';
import { runActivity } from '../support/activity-run.js';

const LABS: { [K in DriverKind]: DriverLab<K> } = {
  'clb-annotation': clbAnnotationLab,
};

async function run<A, R>(activity: (request: A) => Promise<R>, request: A): Promise<R> {
  const { result, error } = await runActivity(activity, request).outcome;
  if (error !== undefined) throw error;
  return result as R;
}

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

for (const lab of Object.values(LABS) as DriverLab<DriverKind>[]) {
  describe(`the ${lab.kind} driver`, () => {
    let world: DriverWorld<TrafficPlan>;
    let acts: MigrationActivities;
    const restore = PLAN_DRIVERS[lab.kind].restore;

    beforeAll(async () => {
      world = await lab.start();
      acts = activitiesFor(world.drivers);
    });
    afterAll(async () => {
      await world?.stop();
    });

    const write = (weights: SideWeights, purpose: 'phase' | 'rollback' = 'phase') =>
      run(acts.setWeights, { migrationId: 'conformance', traffic: world.traffic, step: 1, weights, purpose });
    const verify = (weights: SideWeights) =>
      run(acts.verifyWeights, {
        migrationId: 'conformance',
        traffic: world.traffic,
        step: 1,
        weights,
        purpose: 'phase' as const,
        timeoutMs: 5_000,
      });
    const start = () => restore(world.traffic as never) as SideWeights;

    /** Back to the start state, applied by the data plane. */
    beforeEach(async () => {
      await write(start(), 'rollback');
      await world.settle();
    });

    it('writes every phase, sees the data plane apply it, and a second write changes nothing', async () => {
      for (const weights of lab.phases) {
        await write(weights);
        await world.settle();
        const verified = await verify(weights);
        expect(verified.ok, verified.message).toBe(true);
        expect(verified.observations.length).toBeGreaterThan(0);
        const before = await world.snapshot();
        const again = await write(weights);
        expect(again.writes.filter((change) => change.changed)).toEqual([]);
        expect(await world.snapshot()).toEqual(before);
      }
    });

    it('ends a retry after a crash in the middle of a write where one clean write ends', async () => {
      const [, next] = lab.phases;
      if (!next) throw new Error('a lab names at least two phases');
      await write(next);
      await world.settle();
      const clean = await world.snapshot();

      await write(start(), 'rollback');
      await world.settle();
      await world.interruptWrite(next);
      const retried = await write(next);
      expect(retried.writes.some((change) => !change.changed)).toBe(true);
      await world.settle();
      expect(await world.snapshot()).toEqual(clean);
      expect((await verify(next)).ok).toBe(true);
    });

    it('restores the start state exactly on a rollback from every phase', async () => {
      const initial = await world.snapshot();
      for (const weights of lab.phases) {
        await write(weights);
        await world.settle();
        await write(start(), 'rollback');
        await world.settle();
        expect((await verify(start())).ok).toBe(true);
        expect(await world.snapshot(), `rolled back from ${weights.source}/${weights.target}`).toEqual(initial);
      }
    });

    it('writes nothing for a refused request or a refused input', async () => {
      const initial = await world.snapshot();
      for (const weights of [
        { source: 0, target: 0 },
        { source: 101, target: 0 },
        { source: 50.5, target: 49.5 },
      ])
        expect((await refusal(write(weights))).type).toBe(FAILURE.invalidRequest);
      const unknownAction = run(acts.runAction, {
        migrationId: 'conformance',
        traffic: world.traffic,
        step: 1,
        action: 'no-such-action',
        args: {},
      });
      expect((await refusal(unknownAction)).message).toContain('has no action "no-such-action"');
      expect(() => buildPlan({ traffic: { ...world.traffic, kind: lab.kind, unknown: true } })).toThrow(InputError);
      expect(await world.snapshot()).toEqual(initial);
    });
  });
}
