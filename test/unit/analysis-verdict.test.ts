import { describe, expect, it } from 'vitest';
import {
  type CheckReading,
  type CheckSummary,
  evaluateRound,
  NO_SUMMARY,
  readingOf,
  resumedSummary,
} from '../../activities/analysis/verdict.js';
import type { AnalysisCheck } from '../../src/plan/checks.js';

const ratio: AnalysisCheck = { name: 'ratio', query: 'r', pass: '<=', threshold: 0.01 };
const rate: AnalysisCheck = { name: 'rate', query: 'q', pass: '>', threshold: 0 };
const checks = [ratio, rate];
const AT = '2025-06-01T12:00:00.000Z';
const ok = (value: number): CheckReading => ({ value });
const none: CheckReading = { value: null, error: 'the query returned no data' };

/** Runs rounds of [ratio, rate] readings from the empty summary with a limit of 3. */
function rounds(...readings: CheckReading[][]): CheckSummary[] {
  const summaries: CheckSummary[] = [];
  let summary = NO_SUMMARY;
  for (const round of readings) {
    summary = evaluateRound(checks, round, summary, 3, AT);
    summaries.push(summary);
  }
  return summaries;
}

describe('readingOf', () => {
  it('has no value for an empty result or NaN, which never passes', () => {
    expect(readingOf(ratio, [])).toEqual({ value: null, error: 'the query returned no data' });
    expect(readingOf(ratio, [Number.NaN])).toEqual({ value: null, error: 'the query returned NaN' });
  });

  it("takes the worst of several series for the check's comparison", () => {
    expect(readingOf(ratio, [0.001, Number.NaN, 0.5, 0.002])).toEqual({ value: 0.5 });
    expect(readingOf(rate, [3, 0, 7])).toEqual({ value: 0 });
    expect(readingOf(ratio, [Number.POSITIVE_INFINITY])).toEqual({ value: Number.POSITIVE_INFINITY });
  });
});

describe('evaluateRound', () => {
  it('passes when every check has data and passes', () => {
    const [summary] = rounds([ok(0), ok(5)]);
    expect(summary).toEqual({
      verdict: 'pass',
      evaluations: 1,
      evaluationsWithData: 1,
      samples: [
        { check: 'ratio', value: 0, pass: true, comparison: '<=', threshold: 0.01, at: AT, consecutiveFailures: 0 },
        { check: 'rate', value: 5, pass: true, comparison: '>', threshold: 0, at: AT, consecutiveFailures: 0 },
      ],
    });
  });

  it('is failing below the limit and breaches at it, with a message naming check, value and threshold', () => {
    const summaries = rounds([ok(0.2), ok(5)], [ok(0.3), ok(5)], [ok(0.1234567), ok(5)]);
    expect(summaries.map((s) => s.verdict)).toEqual(['failing', 'failing', 'breach']);
    expect(summaries.map((s) => s.samples[0]?.consecutiveFailures)).toEqual([1, 2, 3]);
    expect(summaries[2]?.breach).toEqual({
      check: 'ratio',
      value: 0.1234567,
      threshold: 0.01,
      pass: '<=',
      consecutive: 3,
      at: AT,
      message: 'ratio = 0.123457 failed <= 0.01 3 times in a row',
    });
  });

  it('starts counting again after a pass', () => {
    const summaries = rounds([ok(0.2), ok(5)], [ok(0.2), ok(5)], [ok(0), ok(5)], [ok(0.2), ok(5)]);
    expect(summaries.map((s) => s.samples[0]?.consecutiveFailures)).toEqual([1, 2, 0, 1]);
    expect(summaries.map((s) => s.verdict)).toEqual(['failing', 'failing', 'pass', 'failing']);
  });

  it('neither counts nor forgives a round without data', () => {
    const summaries = rounds([ok(0.2), ok(5)], [ok(0.2), ok(5)], [none, ok(5)], [ok(0.2), ok(5)]);
    expect(summaries.map((s) => s.verdict)).toEqual(['failing', 'failing', 'no-data', 'breach']);
    expect(summaries.map((s) => [s.evaluations, s.evaluationsWithData])).toEqual([
      [1, 1],
      [2, 2],
      [3, 2],
      [4, 3],
    ]);
    expect(summaries[2]?.samples[0]).toEqual({
      check: 'ratio',
      value: null,
      pass: false,
      comparison: '<=',
      threshold: 0.01,
      at: AT,
      consecutiveFailures: 2,
      error: 'the query returned no data',
    });
  });

  it('says no-data when a check has none, and failing when another check fails', () => {
    expect(rounds([none, ok(5)])[0]?.verdict).toBe('no-data');
    expect(rounds([none, ok(0)])[0]?.verdict).toBe('failing');
    expect(evaluateRound([], [], NO_SUMMARY, 3, AT)).toMatchObject({ verdict: 'no-data', evaluationsWithData: 0 });
  });

  it('breaches only on a round in which the check failed', () => {
    const previous: CheckSummary = {
      verdict: 'failing',
      evaluations: 4,
      evaluationsWithData: 4,
      samples: [
        { check: 'ratio', value: 0.2, pass: false, comparison: '<=', threshold: 0.01, at: AT, consecutiveFailures: 5 },
      ],
    };
    expect(evaluateRound(checks, [none, ok(5)], previous, 3, AT)).toMatchObject({
      verdict: 'no-data',
      evaluations: 5,
      evaluationsWithData: 4,
    });
    expect(evaluateRound(checks, [ok(0.2), ok(5)], previous, 3, AT).breach?.consecutive).toBe(6);
  });

  it('names the first check in plan order when several breach at once', () => {
    const summaries = rounds([ok(1), ok(0)], [ok(1), ok(0)], [ok(1), ok(0)]);
    expect(summaries[2]?.breach?.check).toBe('ratio');
  });
});

describe('resumedSummary', () => {
  it('keeps the evaluations and the counts of the checks still planned', () => {
    const details = {
      verdict: 'failing',
      evaluations: 9,
      evaluationsWithData: 7,
      samples: [
        { check: 'ratio', value: 0.2, pass: false, at: AT, consecutiveFailures: 2 },
        { check: 'removed', value: 1, pass: false, at: AT, consecutiveFailures: 2 },
        { check: 'rate', value: 0, pass: false, at: AT, consecutiveFailures: -1 },
      ],
    };
    expect(resumedSummary(details, checks)).toEqual({
      verdict: 'no-data',
      evaluations: 9,
      evaluationsWithData: 7,
      samples: [details.samples[0]],
    });
  });

  it('never counts more evaluations with data than evaluations, and none from details without the count', () => {
    const samples = [{ check: 'ratio', value: 0.2, pass: false, at: AT, consecutiveFailures: 2 }];
    expect(resumedSummary({ evaluations: 9, evaluationsWithData: 12, samples }, checks).evaluationsWithData).toBe(9);
    expect(resumedSummary({ evaluations: 9, samples }, checks)).toEqual({
      verdict: 'no-data',
      evaluations: 9,
      evaluationsWithData: 0,
      samples,
    });
  });

  it('starts afresh from details it does not recognise', () => {
    for (const details of [undefined, null, 'x', { samples: 'no' }, { evaluations: 1 }, [{ verdict: 'pass' }]])
      expect(resumedSummary(details, checks)).toEqual(NO_SUMMARY);
  });
});
