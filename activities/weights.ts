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
      // Events keep whole seconds, and the CCM may have complained about the write just before: a
      // minute back covers both without quoting a much older failure.
      const since = new Date(Date.now() - 60_000).toISOString();
      const outcome = await pollEffectiveWeights(() => driver.readEffectiveWeights(request.topology, request.weights), {
        timeoutMs: request.timeoutMs,
        heartbeat: (loadBalancers, round) => context.heartbeat({ round, loadBalancers }),
        sleep: (ms) => context.sleep(ms),
      });
      if (outcome.agrees) return { ok: true, loadBalancers: outcome.loadBalancers };
      const disagreeing = outcome.loadBalancers.filter((lb) => !lb.agrees);
      // Each diff is several lines and already starts with its CLB's id.
      const diffs = disagreeing.map((lb) => lb.diff ?? `${lb.loadBalancerId}: weights differ`);
      const complaints = await driver.routerComplaints(request.topology, since).catch(() => []);
      return {
        ok: false,
        loadBalancers: outcome.loadBalancers,
        message: [...diffs, ...complaints.map((line) => `the CCM reported: ${line}`)].join('\n'),
      };
    },
  };
}
