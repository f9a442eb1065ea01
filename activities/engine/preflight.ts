// The pre-flight of any driver: its checklist, heartbeating as items come in. One item that is not ok
// (failed, or could not be checked) stops the migration before anything is changed.
import { Context } from '@temporalio/activity';
import type { TrafficPlan } from '../../src/plan/index.js';
import type { PreflightReport, PreflightRequest } from '../contracts.js';
import { type DriverRegistry, driverFor } from '../drivers/index.js';

export function preflightActivity(drivers: DriverRegistry) {
  return async function preflight({ plan }: PreflightRequest): Promise<PreflightReport> {
    const context = Context.current();
    const driver = driverFor(drivers, plan.traffic);
    const items = await driver.preflight(plan as PreflightRequest['plan'] & { traffic: TrafficPlan }, (so) =>
      context.heartbeat({ checked: so.length }),
    );
    return { ok: items.every((item) => item.ok), items };
  };
}
