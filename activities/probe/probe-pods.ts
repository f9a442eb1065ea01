// The probe activity: every route on every pod of the target gateway (and of the gateway it is
// compared with), a few requests at a time, heartbeating progress.
import { Context } from '@temporalio/activity';
import type { RouteProbe } from '../../src/plan/index.js';
import { routeParity } from './parity.js';
import { routeLabel, sendProbe } from './send-probe.js';
import type { PodProbeReport, PodProbeRequest, ProbePod, ProbeResult } from './types.js';

const DEFAULT_TIMEOUT_MS = 5_000;
const CONCURRENCY = 16;
/** Failures quoted in the report's message; the results hold them all. */
const QUOTED_FAILURES = 5;

export async function probePods(request: PodProbeRequest): Promise<PodProbeReport> {
  const context = Context.current();
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const jobs = [
    ...pairs(request.target.pods, request.routes).map((job) => ({ ...job, baseline: false })),
    ...pairs(request.compareWith?.pods ?? [], request.routes).map((job) => ({ ...job, baseline: true })),
  ];
  let done = 0;
  const results = await withConcurrency(jobs, CONCURRENCY, async ({ pod, route }) => {
    const answer = await sendProbe(pod.ip, route, { timeoutMs, signal: context.cancellationSignal });
    context.heartbeat({ probed: ++done, of: jobs.length });
    const ok = answer.status !== undefined && route.expectStatus.includes(answer.status);
    return { podName: pod.name, podIp: pod.ip, route: routeLabel(route), ...answer, ok } satisfies ProbeResult;
  });
  // A cancelled probe proves nothing: rethrow the CancelledFailure instead of reporting aborted requests.
  if (context.cancellationSignal.aborted) await context.cancelled;

  const targetResults = results.filter((_, i) => !jobs[i]?.baseline);
  const baseline = results.filter((_, i) => jobs[i]?.baseline);
  const parity = request.compareWith ? routeParity(request.routes, targetResults, baseline) : [];
  const failures = [
    ...targetResults
      .filter((result) => !result.ok)
      .map((result) => failureMessage(result, request.routes, request.target.gateway)),
    ...parity.flatMap((route) =>
      route.message ? [`parity with ${request.compareWith?.gateway}: ${route.message}`] : [],
    ),
  ];
  const noPods = request.target.pods.length === 0 ? [`${request.target.gateway} has no pods to probe`] : [];
  const problems = [...noPods, ...failures];
  return {
    ok: problems.length === 0,
    results: targetResults,
    baseline,
    parity,
    message: problems.length ? summarise(problems) : undefined,
  };
}

function pairs(pods: ProbePod[], routes: RouteProbe[]): { pod: ProbePod; route: RouteProbe }[] {
  return pods.flatMap((pod) => routes.map((route) => ({ pod, route })));
}

function failureMessage(result: ProbeResult, routes: RouteProbe[], gateway: string): string {
  const expected = routes.find((route) => routeLabel(route) === result.route)?.expectStatus.join('/');
  const answer = result.status === undefined ? result.error : `HTTP ${result.status}, expected ${expected}`;
  return `${result.route} on ${gateway} pod ${result.podName} (${result.podIp}): ${answer}`;
}

function summarise(problems: string[]): string {
  const more = problems.length - QUOTED_FAILURES;
  return problems.slice(0, QUOTED_FAILURES).join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/** Runs `work` over `items` with at most `limit` at a time; results keep the items' order. */
async function withConcurrency<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
