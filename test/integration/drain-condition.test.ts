// The CLB driver's drain condition against a real Prometheus scraping Istio's metric names every second:
// not drained while the source gateway serves requests, nor for `for` after they stopped, then drained;
// no metrics at all never count as drained.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConditionMetrics } from '../../activities/contracts.js';
import { sourceDrained } from '../../activities/drivers/clb-annotation/drain.js';
import { type RunningPrometheus, startPrometheus } from '../../src/lab/prometheus.js';
import { type AwaitStep, buildPlan, type ClbTraffic } from '../../src/plan/index.js';
import { lbInput } from '../support/inputs.js';
import { type IstioMetrics, startIstioMetrics } from '../support/istio-metrics.js';

const NS = 'istio-system';

let metrics: IstioMetrics | undefined;
let prometheus: RunningPrometheus | undefined;

beforeAll(async () => {
  metrics = await startIstioMetrics();
  prometheus = await startPrometheus({ scrapeTargets: [metrics.target], scrapeIntervalSec: 1 });
});

afterAll(async () => {
  await prometheus?.stop();
  await metrics?.stop();
});

/** The drain step of a plan whose source gateway is `workload`, and what its condition is given. */
function drainOf(workload: string) {
  const input = lbInput();
  const plan = buildPlan({
    ...input,
    traffic: {
      ...input.traffic,
      source: { ...input.traffic.source, workload },
      drain: { maxRequestsPerSecond: 0.1, for: '3s', timeout: '1m' },
    },
    analysis: { prometheusUrl: prometheus?.url, window: '5s' },
  });
  const step = plan.steps.find((candidate): candidate is AwaitStep => candidate.kind === 'await');
  if (!step) throw new Error('the plan has no drain step');
  const given: ConditionMetrics = { prometheusUrl: plan.analysis.prometheusUrl, variables: plan.analysis.variables };
  return () => sourceDrained(plan.traffic as ClbTraffic, step.args, given);
}

it('is not drained while the source serves requests, nor for `for` after they stop; then it is', async () => {
  const check = drainOf('draining-gw');
  metrics?.setTraffic('draining-gw', NS, { requestsPerSecond: 20 });
  // A rate needs two scrapes in its window; the first scrape of a new target can take a few seconds.
  let serving = await check();
  for (const started = Date.now(); serving.message.endsWith('no request metrics in Prometheus'); ) {
    if (Date.now() - started > 20_000) throw new Error(`no rate after 20 s: ${serving.message}`);
    await sleep(500);
    serving = await check();
  }
  await sleep(3000);
  serving = await check();
  expect(serving.met).toBe(false);
  const now = Number(/still serves ([\d.]+) requests\/s now/.exec(serving.message)?.[1]);
  expect(now).toBeGreaterThan(15);
  expect(now).toBeLessThan(25);

  metrics?.setTraffic('draining-gw', NS, { requestsPerSecond: 0 });
  const stopped = Date.now();
  let state = await check();
  while (!state.met && Date.now() - stopped < 20_000) {
    await sleep(500);
    state = await check();
  }
  expect(state).toEqual({
    met: true,
    message: 'source gateway istio-system/draining-gw drained: at most 0 requests/s over the last 3s (limit 0.1)',
  });
  // The rate's window (5 s) and then the whole `for` (3 s) had to pass without a request, give or take a scrape.
  expect(Date.now() - stopped).toBeGreaterThanOrEqual(6000);
  // A pure reading: asked again (a retry, a restarted worker), the answer is the same.
  expect(await check()).toEqual(state);
});

it('does not count a source without metrics as drained (a wrong workload label would pass for one)', async () => {
  expect(await drainOf('no-such-gw')()).toEqual({
    met: false,
    message: 'source gateway istio-system/no-such-gw: no request metrics in Prometheus',
  });
});
