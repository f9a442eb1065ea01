// The load generator's record: per-second outcomes and their summary over a window.
import { describe, expect, it } from 'vitest';
import { Recorder } from '../../src/lab/load/record.js';
import { summarize } from '../../src/lab/load/summary.js';

const answer = (gateway: string, status = 200) => ({ kind: 'answer', gateway, status }) as const;

function recorded() {
  const recorder = new Recorder(100_000);
  for (let i = 0; i < 9; i++) recorder.add(100, answer('ingressgateway'));
  recorder.add(100, answer('ingressgateway-asm'));
  for (let i = 0; i < 5; i++) recorder.add(101, answer('ingressgateway'));
  recorder.add(101, answer('ingressgateway-asm', 503));
  recorder.add(101, answer('ingressgateway-asm', 404));
  recorder.add(101, answer('ingressgateway-asm'));
  recorder.add(101, answer('ingressgateway-asm'));
  recorder.add(102, { kind: 'transport', cause: 'ECONNRESET' });
  recorder.add(102, { kind: 'skipped' });
  return recorder;
}

describe('load record and summary', () => {
  it('keeps per-second records in order, totals, and copies on read', () => {
    const recorder = recorded();
    recorder.add(99, answer('ingressgateway'));
    const record = recorder.record();
    expect(record.seconds.map((second) => second.second)).toEqual([99, 100, 101, 102]);
    expect(record.seconds[1]).toEqual({
      second: 100,
      requests: 10,
      byGateway: { ingressgateway: 9, 'ingressgateway-asm': 1 },
      longLivedByGateway: {},
      byStatus: { 200: 10 },
      transportErrors: {},
      skipped: 0,
    });
    expect(record.totals).toMatchObject({ requests: 21, skipped: 1, transportErrors: { ECONNRESET: 1 } });
    recorder.add(100, answer('ingressgateway'));
    expect(record.seconds[1]?.requests).toBe(10);
  });

  it('summarizes [from, to): shares of the answers, failures from transport errors and 4xx/5xx', () => {
    const record = recorded().record();
    expect(summarize(record, 100, 101)).toMatchObject({
      requests: 10,
      share: { ingressgateway: 0.9, 'ingressgateway-asm': 0.1 },
      failures: 0,
    });
    const rest = summarize(record, 101, 200);
    expect(rest).toMatchObject({
      requests: 10,
      share: { ingressgateway: 5 / 9, 'ingressgateway-asm': 4 / 9 },
      byStatus: { 200: 7, 404: 1, 503: 1 },
      skipped: 1,
      failures: 3,
    });
    expect(summarize(record, 0, 1)).toMatchObject({ requests: 0, share: {}, failures: 0 });
  });
});
