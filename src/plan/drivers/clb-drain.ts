// Drained before done: a CLB weight of 0 stops only new connections, so clients on keep-alive
// connections stay on the source gateway after 0/100 until they close, and deleting it would cut them.
// After a last phase that leaves the source at 0, the migration waits until the source's request rate
// has stayed under a threshold for a while; past the timeout a human decides.
import { z } from 'zod';
import { WORKLOAD_SUBJECTS } from '../checks.js';
import { parseDuration } from '../duration.js';
import { duration, promDuration, SECOND } from '../schema-parts.js';
import type { AwaitStep, StepSpec } from '../steps.js';
import type { Problem } from './driver.js';

/** The condition the CLB driver's activities check, and the workflow patch the step came with. */
export const SOURCE_DRAINED = 'source-drained';

export const drainSchema = z
  .strictObject({
    maxRequestsPerSecond: z
      .number()
      .min(0)
      .default(0.1)
      .describe('the source gateway counts as drained at or below this many requests per second'),
    for: promDuration
      .default('5m')
      .describe('how long the source must have stayed at or below it (PromQL duration, e.g. "5m")'),
    timeout: duration('how long to wait for the drain before a human decides (approve or roll back)', SECOND).default(
      '1h',
    ),
  })
  .describe(
    'after a last phase that leaves the source at weight 0: wait until the requests still on the source (keep-alive connections a CLB weight of 0 does not move) have stopped',
  );

export interface DrainPlan {
  maxRequestsPerSecond: number;
  /** PromQL duration, as given. */
  for: string;
  timeoutMs: number;
}

export function drainPlan(drain: z.output<typeof drainSchema>): DrainPlan {
  return {
    maxRequestsPerSecond: drain.maxRequestsPerSecond,
    for: drain.for,
    timeoutMs: parseDuration(drain.timeout) ?? 0,
  };
}

/** A `for` as long as the timeout could never pass: right after 0/100 the rate of the last phase is in it. */
export function drainProblems(drain: z.output<typeof drainSchema>): Problem[] {
  const forMs = parseDuration(drain.for) ?? 0;
  const timeoutMs = parseDuration(drain.timeout) ?? 0;
  return forMs >= timeoutMs
    ? [
        {
          field: 'traffic.drain.for',
          problem: `must be shorter than traffic.drain.timeout (${drain.timeout}): the rate of the last phase counts in it at first`,
        },
      ]
    : [];
}

/** The source gateway's request rate now, on the metric and labels of the analysis. */
export const SOURCE_RATE_QUERY = `sum(rate(istio_requests_total{${WORKLOAD_SUBJECTS.source}}[{{window}}]))`;

/**
 * Its highest rate over the last `for`: a pure reading of Prometheus, so that a retried or restarted
 * check gives the same answer, and right after 0/100 the last phase's rate still counts.
 */
export function drainQuery(forDuration: string): string {
  return `max_over_time(${SOURCE_RATE_QUERY}[${forDuration}:])`;
}

/** The drain step after the phases when the last one leaves the source at 0; the plan unchanged otherwise. */
export function withDrain(steps: StepSpec[], drain: DrainPlan): StepSpec[] {
  const last = steps.filter((step) => step.kind === 'shift').at(-1);
  if (last?.kind !== 'shift' || last.weights.source !== 0) return steps;
  const step: Omit<AwaitStep, 'index'> = {
    kind: 'await',
    name: `source drained: under ${drain.maxRequestsPerSecond} requests/s for ${drain.for}`,
    condition: SOURCE_DRAINED,
    args: {
      query: drainQuery(drain.for),
      rateQuery: SOURCE_RATE_QUERY,
      maxRequestsPerSecond: drain.maxRequestsPerSecond,
      for: drain.for,
    },
    timeoutMs: drain.timeoutMs,
    onTimeout: 'approval',
    addedIn: SOURCE_DRAINED,
  };
  const gate = steps.findIndex((candidate) => candidate.kind === 'gate');
  return gate < 0 ? [...steps, step] : [...steps.slice(0, gate), step, ...steps.slice(gate)];
}
