// The analysis's judgement, pure: one round of check readings plus the previous summary give the
// next summary. Missing data never passes and never counts towards a breach either.

import type { AnalysisBreach, AnalysisSample, AnalysisSummary } from '../../src/api/records.js';
import { type AnalysisCheck, passes } from '../../src/plan/checks.js';

/** A sample as the analysis heartbeats it: the contract's fields plus what a retry resumes from. */
export interface CheckSample extends AnalysisSample {
  /** Failed evaluations in a row; a round without data leaves the count as it was. */
  consecutiveFailures: number;
  /** Why the round had no value: Prometheus's error, or that the query selected nothing. */
  error?: string;
}

export interface CheckSummary extends AnalysisSummary {
  samples: CheckSample[];
}

/** What one query gave: a value, or null and why not. */
export type CheckReading = { value: number; error?: undefined } | { value: null; error: string };

export const NO_SUMMARY: CheckSummary = { verdict: 'no-data', evaluations: 0, evaluationsWithData: 0, samples: [] };

/**
 * The reading a query result gives a check. Several series: the worst for the check's comparison,
 * so one failing pod or route is not averaged away. NaN (e.g. 0/0 without traffic) is no data.
 */
export function readingOf(check: Pick<AnalysisCheck, 'pass'>, values: number[]): CheckReading {
  const numbers = values.filter((value) => !Number.isNaN(value));
  if (numbers.length === 0)
    return { value: null, error: values.length ? 'the query returned NaN' : 'the query returned no data' };
  return { value: check.pass.startsWith('<') ? Math.max(...numbers) : Math.min(...numbers) };
}

export function evaluateRound(
  checks: AnalysisCheck[],
  readings: CheckReading[],
  previous: CheckSummary,
  consecutiveFailures: number,
  at: string,
): CheckSummary {
  const samples = checks.map((check, i): CheckSample => {
    const reading = readings[i] ?? { value: null, error: 'not evaluated' };
    const before = previous.samples.find((sample) => sample.check === check.name)?.consecutiveFailures ?? 0;
    const judged = { check: check.name, comparison: check.pass, threshold: check.threshold, at };
    if (reading.value === null)
      return { ...judged, value: null, pass: false, consecutiveFailures: before, error: reading.error };
    const pass = passes(reading.value, check);
    return { ...judged, value: reading.value, pass, consecutiveFailures: pass ? 0 : before + 1 };
  });
  const withData = samples.length > 0 && samples.every((sample) => sample.value !== null);
  const summary: CheckSummary = {
    verdict: verdictOf(samples),
    evaluations: previous.evaluations + 1,
    evaluationsWithData: previous.evaluationsWithData + (withData ? 1 : 0),
    samples,
  };
  const index = samples.findIndex(
    (sample) => sample.value !== null && !sample.pass && sample.consecutiveFailures >= consecutiveFailures,
  );
  const check = checks[index];
  const sample = samples[index];
  if (check && sample) return { ...summary, verdict: 'breach', breach: breachOf(check, sample) };
  return summary;
}

/** A real failure outranks missing data: 'failing' says more than 'no-data' does. */
function verdictOf(samples: CheckSample[]): AnalysisSummary['verdict'] {
  if (samples.some((sample) => sample.value !== null && !sample.pass)) return 'failing';
  if (samples.length === 0 || samples.some((sample) => sample.value === null)) return 'no-data';
  return 'pass';
}

function breachOf(check: AnalysisCheck, sample: CheckSample): AnalysisBreach {
  const times = sample.consecutiveFailures;
  return {
    check: check.name,
    value: sample.value,
    threshold: check.threshold,
    pass: check.pass,
    consecutive: times,
    at: sample.at,
    message: `${check.name} = ${formatValue(sample.value)} failed ${check.pass} ${check.threshold} ${times} time${times === 1 ? '' : 's'} in a row`,
  };
}

function formatValue(value: number | null): string {
  return value === null ? 'no data' : String(Number(value.toPrecision(6)));
}

/**
 * The summary a previous attempt heartbeated, so a retry resumes its consecutive-failure counts.
 * Anything unrecognisable (another version's details, a check since removed) is dropped.
 */
export function resumedSummary(details: unknown, checks: AnalysisCheck[]): CheckSummary {
  if (typeof details !== 'object' || details === null) return NO_SUMMARY;
  const { evaluations, evaluationsWithData, samples } = details as Partial<Record<keyof CheckSummary, unknown>>;
  if (!Array.isArray(samples) || typeof evaluations !== 'number') return NO_SUMMARY;
  const withData = typeof evaluationsWithData === 'number' ? Math.min(evaluationsWithData, evaluations) : 0;
  const names = new Set(checks.map((check) => check.name));
  const kept = samples.filter(
    (sample: Partial<CheckSample> | null): sample is CheckSample =>
      typeof sample?.check === 'string' &&
      names.has(sample.check) &&
      Number.isInteger(sample.consecutiveFailures) &&
      (sample.consecutiveFailures ?? -1) >= 0,
  );
  return { verdict: 'no-data', evaluations, evaluationsWithData: withData, samples: kept };
}
