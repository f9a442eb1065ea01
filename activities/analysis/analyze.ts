// The analysis activity: evaluates every check against Prometheus each interval, heartbeating the
// summary, until a check breaches (it returns) or the workflow cancels it (it throws CancelledFailure
// carrying its last summary, which the workflow reads as the soak's verdict).
import { Context } from '@temporalio/activity';
import { type ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FAILURE, failure } from '../../src/api/failures.js';
import type { AnalysisSummary } from '../../src/api/records.js';
import { renderQuery } from '../../src/plan/checks.js';
import type { AnalysisRequest } from '../contracts.js';
import { prometheusEndpoint, queryPrometheus } from './prometheus-query.js';
import { type CheckReading, type CheckSummary, evaluateRound, readingOf, resumedSummary } from './verdict.js';

/** Rounds in a row that Prometheus refuses a check's query (bad_data) before the analysis fails. */
export const BAD_QUERY_ROUNDS = 3;
const MAX_QUERY_TIMEOUT_MS = 30_000;

export async function analyze(request: AnalysisRequest): Promise<AnalysisSummary> {
  const context = Context.current();
  const { analysis } = request;
  const { checks } = analysis;
  const endpoint = prometheusEndpoint(analysis.prometheusUrl);
  const queries = checks.map((check) => ({ check, query: renderQuery(check.query, analysis.variables) }));
  // A round's queries end within one interval, well inside the heartbeat timeout (3 intervals or more).
  const timeoutMs = Math.min(analysis.intervalMs, MAX_QUERY_TIMEOUT_MS);
  const refusedRounds = new Map<string, number>();
  let summary: CheckSummary = resumedSummary(context.info.heartbeatDetails, checks);
  const stopped = () => new CancelledFailure('analysis stopped', [summary]);

  for (;;) {
    const started = Date.now();
    const round = await Promise.all(
      queries.map(async ({ check, query }) => ({
        check,
        result: await queryPrometheus(endpoint, query, { timeoutMs, signal: context.cancellationSignal }),
      })),
    );
    if (context.cancellationSignal.aborted) throw stopped();
    const readings = round.map(({ check, result }): CheckReading => {
      refusedRounds.set(check.name, !result.ok && result.badQuery ? (refusedRounds.get(check.name) ?? 0) + 1 : 0);
      if (result.ok) return readingOf(check, result.values);
      if (summary.samples.find((sample) => sample.check === check.name)?.error !== result.error)
        context.log.warn('Prometheus query failed', { check: check.name, error: result.error });
      return { value: null, error: result.error };
    });
    summary = evaluateRound(checks, readings, summary, analysis.consecutiveFailures, new Date(started).toISOString());
    context.heartbeat(summary);
    if (summary.verdict === 'breach') {
      context.log.warn('analysis breach', { message: summary.breach?.message });
      return summary;
    }
    const refused = round.find(({ check }) => (refusedRounds.get(check.name) ?? 0) >= BAD_QUERY_ROUNDS);
    if (refused && !refused.result.ok) throw badQuery(refused.check.name, refused.result.error, summary);
    try {
      await context.sleep(Math.max(0, analysis.intervalMs - (Date.now() - started)));
    } catch (error) {
      throw error instanceof CancelledFailure ? stopped() : error;
    }
  }
}

function badQuery(check: string, error: string, summary: CheckSummary): ApplicationFailure {
  return failure(
    FAILURE.badPrometheusQuery,
    `check ${check}: Prometheus refused its query ${BAD_QUERY_ROUNDS} times in a row (${error})`,
    summary,
  );
}
