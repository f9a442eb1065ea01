// The demo's failure accounting: 5xx from the fault's second on are the fault's; everything else failed.
import { describe, expect, it } from 'vitest';
import { emptyCounts, type LoadRecord, type SecondRecord } from '../../src/lab/load/record.js';
import { errorCounts, resultLine } from '../../src/lab/report.js';

function second(at: number, counts: Partial<SecondRecord>): SecondRecord {
  return { ...emptyCounts(), second: at, ...counts };
}

const record: LoadRecord = {
  startedAt: 100_000,
  seconds: [
    second(100, { requests: 200, byStatus: { '200': 199, '503': 1 } }),
    second(101, { requests: 200, byStatus: { '200': 196 }, transportErrors: { timeout: 3, ECONNRESET: 1 } }),
    second(102, { requests: 200, byStatus: { '200': 140, '503': 60 } }),
  ],
  totals: { ...emptyCounts(), requests: 600, transportErrors: { timeout: 3, ECONNRESET: 1 } },
};

describe('errorCounts and resultLine', () => {
  it('counts the 5xx from the fault on as injected and names the cause of every other failure', () => {
    const counts = errorCounts(record, 102_400);
    expect(counts).toEqual({
      injectedErrors: 60,
      failedRequests: 5,
      failedByCause: { timeout: 3, ECONNRESET: 1, '5xx before any fault': 1 },
    });
    expect(resultLine({ result: 'rolled-back', totalRequests: 600, ...counts })).toBe(
      'result: rolled-back; 600 requests, 5 failed (timeout 3, ECONNRESET 1, 5xx before any fault 1), 60 injected errors',
    );
  });

  it('says "0 failed" alone when nothing failed', () => {
    expect(
      resultLine({ result: 'completed', totalRequests: 10, failedRequests: 0, failedByCause: {}, injectedErrors: 0 }),
    ).toBe('result: completed; 10 requests, 0 failed, 0 injected errors');
  });
});
