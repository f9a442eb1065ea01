// runAction, previewAction and awaitCondition: a driver's named side effects (an undo is an action too),
// what one would change now, and the conditions its await steps wait for. An unknown name is refused before anything is touched.
import { Context } from '@temporalio/activity';
import { FAILURE, failure } from '../../src/api/failures.js';
import type { ConditionHeartbeat } from '../../src/api/records.js';
import type { ActionOutcome, ActionRequest, ConditionRequest, ConditionState } from '../contracts.js';
import { type DriverRegistry, driverFor } from '../drivers/index.js';
import { pollUntil } from './poll.js';

function known<T>(table: { [name: string]: T }, name: string, what: string, kind: string): T {
  const entry = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!entry)
    throw failure(
      FAILURE.invalidRequest,
      `the ${kind} driver has no ${what} "${name}" (it has: ${Object.keys(table).join(', ') || 'none'})`,
    );
  return entry;
}

export function stepActivities(drivers: DriverRegistry) {
  return {
    async runAction(request: ActionRequest): Promise<ActionOutcome> {
      const driver = driverFor(drivers, request.traffic);
      const action = known(driver.actions, request.action, 'action', request.traffic.kind);
      return action(request.traffic, request.args);
    },

    async previewAction(request: ActionRequest): Promise<ActionOutcome | null> {
      const driver = driverFor(drivers, request.traffic);
      known(driver.actions, request.action, 'action', request.traffic.kind);
      const preview =
        driver.previews && Object.hasOwn(driver.previews, request.action) ? driver.previews[request.action] : undefined;
      if (!preview) return null;
      try {
        return await preview(request.traffic, request.args);
      } catch (error) {
        // The approver still decides; the plan's static preview says what the step writes.
        return {
          changes: [`could not compute the diff now: ${error instanceof Error ? error.message : String(error)}`],
        };
      }
    },

    /** Checks the condition every few seconds, heartbeating what it found, until it holds or time is up. */
    async awaitCondition(request: ConditionRequest): Promise<ConditionState> {
      const driver = driverFor(drivers, request.traffic);
      const check = known(driver.conditions, request.condition, 'condition', request.traffic.kind);
      const context = Context.current();
      const outcome = await pollUntil(
        () => check(request.traffic, request.args, request.metrics),
        (state) => state.met,
        {
          timeoutMs: request.timeoutMs,
          heartbeat: (state, round) =>
            context.heartbeat({
              round,
              message: state.message,
              at: new Date().toISOString(),
            } satisfies ConditionHeartbeat),
          sleep: (ms) => context.sleep(ms),
        },
      );
      return outcome.last;
    },
  };
}
