// The drain step's condition: the source gateway's highest request rate over the step's `for`, read from
// Prometheus with the queries the plan wrote (a pure reading: a retry or a restarted worker gets the same
// answer). Its message says the rate the source still serves, for the status while the step waits.
import { ApplicationFailure } from '@temporalio/common';
import { formatValue } from '../../../src/api/wording.js';
import { type ClbTraffic, type Json, renderQuery } from '../../../src/plan/index.js';
import { type PrometheusEndpoint, prometheusEndpoint, queryPrometheus } from '../../analysis/prometheus-query.js';
import type { ConditionMetrics, ConditionState } from '../../contracts.js';

const QUERY_TIMEOUT_MS = 10_000;

/** One value of a query; a message instead when there is none to judge by. */
async function readValue(endpoint: PrometheusEndpoint, query: string): Promise<number | string> {
  const result = await queryPrometheus(endpoint, query, { timeoutMs: QUERY_TIMEOUT_MS });
  if (!result.ok) {
    if (result.badQuery) throw ApplicationFailure.nonRetryable(`Prometheus refused ${query}: ${result.error}`);
    return `Prometheus did not answer (${result.error})`;
  }
  const [value] = result.values;
  return value === undefined || Number.isNaN(value) ? 'no request metrics in Prometheus' : value;
}

export async function sourceDrained(
  traffic: ClbTraffic,
  args: { [key: string]: Json },
  metrics: ConditionMetrics,
): Promise<ConditionState> {
  const endpoint = prometheusEndpoint(metrics.prometheusUrl);
  const max = Number(args.maxRequestsPerSecond);
  const source = `source gateway ${traffic.source.namespace}/${traffic.source.workload}`;
  const [highest, now] = await Promise.all([
    readValue(endpoint, renderQuery(String(args.query), metrics.variables)),
    readValue(endpoint, renderQuery(String(args.rateQuery), metrics.variables)),
  ]);
  // No metrics at all is no proof of a drain: a wrong label would pass for one.
  if (typeof highest === 'string') return { met: false, message: `${source}: ${highest}` };
  const over = `at most ${formatValue(highest)} requests/s over the last ${args.for}`;
  if (highest <= max) return { met: true, message: `${source} drained: ${over} (limit ${max})` };
  const current = typeof now === 'string' ? now : `${formatValue(now)} requests/s now`;
  return { met: false, message: `${source} still serves ${current}, ${over} (limit ${max})` };
}
