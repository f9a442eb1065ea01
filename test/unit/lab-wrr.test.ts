// Smooth weighted round robin, as the lab's CLB proxy balances new connections.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SmoothWeightedRoundRobin } from '../../src/lab/proxy/wrr.js';

function picks(wrr: SmoothWeightedRoundRobin, weights: Record<string, number>, count: number): string[] {
  const map = new Map(Object.entries(weights));
  return Array.from({ length: count }, () => wrr.pick(map) ?? 'none');
}

function tally(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

describe('SmoothWeightedRoundRobin', () => {
  it('gives each key exactly its weight over every cycle, spread out', () => {
    const wrr = new SmoothWeightedRoundRobin();
    expect(picks(wrr, { a: 5, b: 1, c: 1 }, 7)).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
    expect(tally(picks(wrr, { a: 90, b: 10 }, 1000))).toEqual({ a: 900, b: 100 });
  });

  it('holds for any weights (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 }), (list) => {
        const weights = Object.fromEntries(list.map((weight, index) => [`k${index}`, weight]));
        const total = list.reduce((sum, weight) => sum + weight, 0);
        const expected = Object.fromEntries(Object.entries(weights).filter(([, weight]) => weight > 0));
        const got = tally(picks(new SmoothWeightedRoundRobin(), weights, Math.max(total, 1)));
        expect(got).toEqual(total === 0 ? { none: 1 } : expected);
      }),
    );
  });

  it('never picks a key of weight 0 and follows weight changes from the next pick', () => {
    const wrr = new SmoothWeightedRoundRobin();
    expect(tally(picks(wrr, { a: 50, b: 50 }, 7))).toEqual({ a: 4, b: 3 });
    expect(tally(picks(wrr, { a: 0, b: 50 }, 20))).toEqual({ b: 20 });
    expect(tally(picks(wrr, { a: 10, b: 90 }, 100))).toEqual({ a: 10, b: 90 });
    expect(wrr.pick(new Map([['a', 0]]))).toBeUndefined();
    expect(wrr.pick(new Map())).toBeUndefined();
  });
});
