// The demo's failure accounting: 5xx from the fault's second on are the fault's; everything else failed.
// What the source served after 0/100 (the drain), and when traffic came back after a rollback.
import { describe, expect, it } from 'vitest';
import { emptyCounts, type LoadRecord, type SecondRecord } from '../../src/lab/load/record.js';
import { buildReport, errorCounts, resultLine, sourceDrain, trafficRevertedAt } from '../../src/lab/report.js';

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

describe('the drain and the revert', () => {
  const ASM = 'ingressgateway-asm';
  const keepAlive: LoadRecord = {
    startedAt: 100_000,
    seconds: [
      second(100, { requests: 200, byGateway: { ingressgateway: 100, [ASM]: 100 } }),
      second(101, {
        requests: 200,
        byGateway: { ingressgateway: 4, [ASM]: 196 },
        longLivedByGateway: { ingressgateway: 4 },
      }),
      second(102, {
        requests: 200,
        byGateway: { ingressgateway: 2, [ASM]: 198 },
        longLivedByGateway: { ingressgateway: 2 },
      }),
      second(103, { requests: 200, byGateway: { [ASM]: 200 }, longLivedByGateway: { [ASM]: 4 } }),
    ],
    totals: { ...emptyCounts(), requests: 800 },
  };

  it('counts what the source served after the last phase, on long-lived connections, and when the last of it was', () => {
    expect(sourceDrain(keepAlive, ASM, 101_000)).toEqual({
      sourceRequests: 6,
      longLived: 6,
      lastSourceRequestAt: new Date(102_000).toISOString(),
      lastAfterMs: 1000,
    });
    const phases = [
      { index: 0, sourceWeight: 100, targetWeight: 0, effectiveTargetShare: 0, from: 99_000, to: 100_500 },
      { index: 1, sourceWeight: 0, targetWeight: 100, effectiveTargetShare: 100, from: 100_500, to: 104_000 },
    ];
    const report = (drainOutcome?: string) =>
      buildReport({
        result: 'completed',
        scenario: 'happy',
        record: keepAlive,
        phases,
        targetGateway: ASM,
        drainOutcome,
      });
    expect(report('drained').drain).toMatchObject({ sourceRequests: 6, longLived: 6, outcome: 'drained' });
    // A migration without a drain step has no drain in its report.
    expect(report().drain).toBeUndefined();
  });

  it('takes traffic as back on a side once no new connection reaches the other, long-lived ones aside', () => {
    expect(trafficRevertedAt(keepAlive, 'ingressgateway', 100_000)).toBe(101_000);
  });
});
