// What the preview of a plan reads, and only reads: the driver's pre-flight, and for each phase what
// every resource would apply at its weights given the backends it has today (the router's own
// observation, so the arithmetic is the one verification holds the data plane to).
import { Context } from '@temporalio/activity';
import type { PreviewReadings } from '../../src/api/preview.js';
import { shiftSteps, type TrafficPlan } from '../../src/plan/index.js';
import { explainUnchecked } from '../checklist-causes.js';
import type { PreviewRequest } from '../contracts.js';
import { type DriverRegistry, driverFor } from '../drivers/index.js';

export function previewActivity(drivers: DriverRegistry) {
  return async function readPreview({ plan }: PreviewRequest): Promise<PreviewReadings> {
    const context = Context.current();
    const driver = driverFor(drivers, plan.traffic);
    const items = await driver.preflight(plan as PreviewRequest['plan'] & { traffic: TrafficPlan }, (so) =>
      context.heartbeat({ checked: so.length }),
    );
    const preflight = { ok: items.every((item) => item.ok), items };
    const router = driver.router;
    if (!router) return { preflight };
    try {
      const shares = [];
      for (const step of shiftSteps(plan.steps)) {
        // The shares of what the migration moves (its locked resources); a driver's data-plane parts (a
        // VirtualService's gateway pods) only apply the weights once written, which verification checks.
        const observations = await router.observe(plan.traffic, step.weights);
        shares.push({ step: step.index, observations: observations.filter((o) => plan.locks.includes(o.resource)) });
        context.heartbeat({ shares: step.index });
      }
      return { preflight, shares };
    } catch (error) {
      // In the pre-flight's words (no kubeconfig, no credentials, a CLB that does not exist, …).
      return { preflight, sharesUnknown: explainUnchecked(error).why };
    }
  };
}
