// applyWeights and verifyWeights: the workflow's two weight activities, over any traffic driver.
import { Context } from '@temporalio/activity';
import { pollEffectiveWeights } from './clb/poll-effective.js';
import type { AppliedWeights, VerifyRequest, VerifyResult, WeightsRequest } from './contracts.js';
import type { TrafficDriver } from './drivers/driver.js';

export function weightActivities(driver: TrafficDriver) {
  return {
    applyWeights(request: WeightsRequest): Promise<AppliedWeights> {
      return driver.setWeights(request);
    },

    /** Polls every CLB until its backend weights match what the CCM makes of the annotations. */
    async verifyWeights(request: VerifyRequest): Promise<VerifyResult> {
      const context = Context.current();
      const outcome = await pollEffectiveWeights(() => driver.readEffectiveWeights(request.topology, request.weights), {
        timeoutMs: request.timeoutMs,
        heartbeat: (loadBalancers, round) => context.heartbeat({ round, loadBalancers }),
        sleep: (ms) => context.sleep(ms),
      });
      const disagreeing = outcome.loadBalancers.filter((lb) => !lb.agrees);
      return {
        ok: outcome.agrees,
        loadBalancers: outcome.loadBalancers,
        // Each diff is several lines and already starts with its CLB's id.
        message: outcome.agrees
          ? undefined
          : disagreeing.map((lb) => lb.diff ?? `${lb.loadBalancerId}: weights differ`).join('\n'),
      };
    },
  };
}
