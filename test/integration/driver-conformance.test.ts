// The driver conformance suite: the same contract, run against every registered driver in its lab.
// Writing weights and reading them back is idempotent; a retry after a crash in the middle of a write
// ends where one clean write ends; a rollback restores the start state exactly; every action with an
// undo can run twice to the same state and its undo restores the start state; its preview lists every
// step with what it writes (on every resource, for a shift) and writes nothing; a refused request or
// input writes nothing. A driver added to the registries without a lab here fails the typecheck.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationActivities } from '../../activities/contracts.js';
import { activitiesFor } from '../../activities/index.js';
import { FAILURE } from '../../src/api/failures.js';
import { planPreview } from '../../src/api/preview.js';
import {
  type ActionStep,
  buildPlan,
  type DriverKind,
  InputError,
  PLAN_DRIVERS,
  type SideWeights,
  stepLabel,
  type TrafficPlan,
} from '../../src/plan/index.js';
import { asmGatewayCanaryLab } from '../conformance/asm-gateway-canary-lab.js';
import { clbAnnotationLab } from '../conformance/clb-annotation-lab.js';
import type { DriverLab, DriverWorld, WeightLab } from '../conformance/driver-lab.js';
import { virtualServiceLab } from '../conformance/virtualservice-lab.js';
import { runActivity } from '../support/activity-run.js';
import { activityRefusal } from '../support/refusal.js';

const LABS: { [K in DriverKind]: DriverLab<K> } = {
  'clb-annotation': clbAnnotationLab,
  'asm-gateway-canary': asmGatewayCanaryLab,
  virtualservice: virtualServiceLab,
};

async function run<A, R>(activity: (request: A) => Promise<R>, request: A): Promise<R> {
  const { result, error } = await runActivity(activity, request).outcome;
  if (error !== undefined) throw error;
  return result as R;
}

for (const lab of Object.values(LABS) as DriverLab<DriverKind>[]) {
  describe(`the ${lab.kind} driver`, () => {
    let world: DriverWorld<TrafficPlan> & Partial<WeightLab>;
    let acts: MigrationActivities;

    beforeAll(async () => {
      world = await lab.start();
      acts = activitiesFor(world.drivers);
    });
    afterAll(async () => {
      await world?.stop();
    });

    const call = { migrationId: 'conformance', step: 1 };
    const action = (name: string) =>
      run(acts.runAction, { ...call, traffic: world.plan.traffic, action: name, args: {} });
    const write = (weights: SideWeights, purpose: 'phase' | 'rollback' = 'phase') =>
      run(acts.setWeights, { ...call, traffic: world.plan.traffic, weights, purpose });
    const verify = (weights: SideWeights) =>
      run(acts.verifyWeights, {
        ...call,
        traffic: world.plan.traffic,
        weights,
        purpose: 'phase' as const,
        timeoutMs: 5_000,
      });

    /** The weight contract's parts, which the lab of a driver that moves weights must give. */
    const weights = () => {
      const { phases, interruptWrite } = world;
      if (!phases || !interruptWrite || !world.plan.restore)
        throw new Error(`the ${lab.kind} lab names no phases, no interrupted write or no start weights`);
      return { phases, interruptWrite, start: world.plan.restore };
    };

    if (PLAN_DRIVERS[lab.kind].movesWeights)
      describe('the weight contract', () => {
        // The plan's preparation (the actions before its first shift, e.g. a destination added at weight
        // 0) runs before the weight contract, and its undo after it.
        const preparation = () => {
          const firstShift = world.plan.steps.findIndex((step) => step.kind === 'shift');
          return world.plan.steps.slice(0, firstShift).filter((step): step is ActionStep => step.kind === 'action');
        };
        beforeAll(async () => {
          for (const step of preparation()) await action(step.action);
          await world.settle();
        });
        afterAll(async () => {
          for (const step of preparation().reverse()) if (step.undo) await action(step.undo.action);
          await world.settle();
        });

        it('writes every phase, sees the data plane apply it, and a second write changes nothing', async () => {
          const contract = weights();
          for (const phase of contract.phases) {
            await write(phase);
            await world.settle();
            const verified = await verify(phase);
            expect(verified.ok, verified.message).toBe(true);
            expect(verified.observations.length).toBeGreaterThan(0);
            const before = await world.snapshot();
            const again = await write(phase);
            expect(again.writes.filter((change) => change.changed)).toEqual([]);
            expect(await world.snapshot()).toEqual(before);
          }
          await write(contract.start, 'rollback');
          await world.settle();
        });

        it('ends a retry after a crash in the middle of a write where one clean write ends', async () => {
          const contract = weights();
          const [, next] = contract.phases;
          if (!next) throw new Error('a lab names at least two phases');
          await write(next);
          await world.settle();
          const clean = await world.snapshot();

          await write(contract.start, 'rollback');
          await world.settle();
          await contract.interruptWrite(next);
          const retried = await write(next);
          expect(retried.writes.some((change) => !change.changed)).toBe(true);
          await world.settle();
          expect(await world.snapshot()).toEqual(clean);
          expect((await verify(next)).ok).toBe(true);
          await write(contract.start, 'rollback');
          await world.settle();
        });

        it('restores the start state exactly on a rollback from every phase', async () => {
          const contract = weights();
          const initial = await world.snapshot();
          for (const phase of contract.phases) {
            await write(phase);
            await world.settle();
            await write(contract.start, 'rollback');
            await world.settle();
            expect((await verify(contract.start)).ok).toBe(true);
            expect(await world.snapshot(), `rolled back from ${phase.source}/${phase.target}`).toEqual(initial);
          }
        });
      });

    if (lab.actionsWithUndo.length > 0)
      it('runs every action with an undo twice to one state, and its undo restores the start state', async () => {
        const undoable = world.plan.steps.filter(
          (step): step is ActionStep & { undo: NonNullable<ActionStep['undo']> } =>
            step.kind === 'action' && step.undo !== undefined,
        );
        expect(undoable.map((step) => step.action)).toEqual(lab.actionsWithUndo);
        const initial = await world.snapshot();
        for (const step of undoable) {
          const first = await action(step.action);
          expect(first.changes.length, `${step.action} changes something`).toBeGreaterThan(0);
          await world.settle();
          const done = await world.snapshot();
          expect(done).not.toEqual(initial);
          // A retry after a crash between the write and the activity's completion.
          expect((await action(step.action)).changes).toEqual([]);
          await world.settle();
          expect(await world.snapshot()).toEqual(done);

          expect((await action(step.undo.action)).changes.length).toBeGreaterThan(0);
          await world.settle();
          expect(await world.snapshot(), `after the undo of ${step.action}`).toEqual(initial);
          expect((await action(step.undo.action)).changes).toEqual([]);
        }
      });

    it('previews every step of its plan with the writes of each shift and action, and writes nothing', async () => {
      const initial = await world.snapshot();
      const readings = await run(acts.readPreview, { migrationId: 'conformance', plan: world.plan });
      const preview = planPreview(world.plan, readings);
      expect(preview.steps.map((step) => step.label)).toEqual(world.plan.steps.map(stepLabel));
      for (const step of preview.steps) {
        const resources = [...new Set(step.writes.map((write) => write.resource))].sort();
        if (step.kind === 'shift') {
          expect(resources, `the writes of ${step.label}`).toEqual([...world.plan.locks].sort());
          expect(step.shares?.map((share) => share.resource).sort(), `the shares of ${step.label}`).toEqual(
            [...world.plan.locks].sort(),
          );
        } else if (step.kind === 'action') expect(resources, `the writes of ${step.label}`).not.toEqual([]);
        else expect(step.writes, `${step.label} only waits, soaks or ends`).toEqual([]);
      }
      await world.settle();
      expect(await world.snapshot()).toEqual(initial);
    });

    it('writes nothing for a refused request or a refused input', async () => {
      const initial = await world.snapshot();
      for (const refused of [
        { source: 0, target: 0 },
        { source: 101, target: 0 },
        { source: 50.5, target: 49.5 },
      ])
        expect((await activityRefusal(write(refused))).type).toBe(FAILURE.invalidRequest);
      expect((await activityRefusal(action('no-such-action'))).message).toContain('has no action "no-such-action"');
      const unknownCondition = run(acts.awaitCondition, {
        ...call,
        traffic: world.plan.traffic,
        condition: 'no-such-condition',
        args: {},
        timeoutMs: 1_000,
        metrics: { variables: world.plan.analysis.variables },
      });
      expect((await activityRefusal(unknownCondition)).type).toBe(FAILURE.invalidRequest);
      expect(() => buildPlan({ traffic: { ...world.plan.traffic, kind: lab.kind, unknown: true } })).toThrow(
        InputError,
      );
      expect(await world.snapshot()).toEqual(initial);
    });
  });
}
