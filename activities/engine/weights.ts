// setWeights and verifyWeights over any driver's weight router. setWeights refuses, before writing
// anything, weights that break an invariant whatever the workflow asked.
import { Context } from '@temporalio/activity';
import { FAILURE, failure } from '../../src/api/failures.js';
import type { Observation } from '../../src/api/records.js';
import { weightsProblem } from '../../src/plan/weights.js';
import type { AppliedWeights, VerifyRequest, VerifyResult, WeightsRequest } from '../contracts.js';
import { type DriverRegistry, driverFor } from '../drivers/index.js';
import { pollUntil } from './poll.js';

function routerFor(drivers: DriverRegistry, request: WeightsRequest) {
  const router = driverFor(drivers, request.traffic).router;
  if (!router) throw failure(FAILURE.invalidRequest, `the ${request.traffic.kind} driver moves no weights`);
  return router;
}

export function weightActivities(drivers: DriverRegistry) {
  return {
    async setWeights(request: WeightsRequest): Promise<AppliedWeights> {
      const problem = weightsProblem(request.weights);
      if (problem)
        throw failure(
          FAILURE.invalidRequest,
          `refused to write ${request.weights.source}/${request.weights.target}: ${problem}`,
        );
      return { writes: await routerFor(drivers, request).setWeights(request.traffic, request.weights) };
    },

    /** Polls every resource until what its data plane applies agrees with the written weights. */
    async verifyWeights(request: VerifyRequest): Promise<VerifyResult> {
      const router = routerFor(drivers, request);
      const context = Context.current();
      // Events keep whole seconds, and the controller may have complained about the write just before:
      // a minute back covers both without quoting a much older failure.
      const since = new Date(Date.now() - 60_000).toISOString();
      const outcome = await pollUntil(
        () => router.observe(request.traffic, request.weights),
        (observations: Observation[]) => observations.every((observation) => observation.agrees),
        {
          timeoutMs: request.timeoutMs,
          heartbeat: (observations, round) => context.heartbeat({ round, observations }),
          sleep: (ms) => context.sleep(ms),
        },
      );
      if (outcome.done) return { ok: true, observations: outcome.last };
      // Each diff is several lines and already starts with its resource.
      const diffs = outcome.last
        .filter((observation) => !observation.agrees)
        .map((observation) => observation.diff ?? `${observation.resource}: weights differ`);
      const complaints = await router.complaints(request.traffic, since).catch(() => []);
      return {
        ok: false,
        observations: outcome.last,
        message: [...diffs, ...complaints].join('\n'),
      };
    },
  };
}
