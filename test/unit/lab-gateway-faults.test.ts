// The lab gateway's error injection: exact, counter-based ratios, also when the ratio changes.
import { describe, expect, it } from 'vitest';
import { errorDrawer } from '../../src/lab/gateway/faults.js';

function failures(draw: () => boolean, count: number): number {
  return Array.from({ length: count }, draw).filter(Boolean).length;
}

describe('errorDrawer', () => {
  it('fails exactly the ratio of requests', () => {
    for (const [ratio, expected] of [
      [0, 0],
      [0.1, 100],
      [0.5, 500],
      [0.3, 300],
      [1, 1000],
    ] as const) {
      const faults = { errorRatio: ratio, addedLatencyMs: 0 };
      expect(failures(errorDrawer(faults), 1000)).toBe(expected);
    }
  });

  it('alternates at 0.5 and follows a change at once, without a burst', () => {
    const faults = { errorRatio: 0.5, addedLatencyMs: 0 };
    const draw = errorDrawer(faults);
    expect(Array.from({ length: 4 }, draw)).toEqual([false, true, false, true]);
    faults.errorRatio = 0;
    expect(failures(draw, 100)).toBe(0);
    faults.errorRatio = 0.25;
    expect(failures(draw, 100)).toBe(25);
  });
});
