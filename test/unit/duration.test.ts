import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/plan/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['1m30s', 90_000],
    [' 15m ', 900_000],
    ['1h 30m', 5_400_000],
    ['0s', 0],
    ['2 hours', 7_200_000],
    ['1d', 86_400_000],
  ])('reads %j as %d ms', (text, milliseconds) => {
    expect(parseDuration(text)).toBe(milliseconds);
  });

  it.each(['', '   ', '3600', '1.5', 'soon', '-1h', '1h-', 'h', '1e3', '1 0s', 'x'.repeat(200)])(
    'cannot read %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it('never throws and never reads a negative duration, whatever the text', () => {
    const durationish = fc.string({ unit: fc.constantFrom(...'0123456789.hmsd -'.split('')) });
    fc.assert(
      fc.property(fc.oneof(fc.string(), durationish), (text) => {
        const value = parseDuration(text);
        expect(value === undefined || (Number.isFinite(value) && value >= 0)).toBe(true);
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [5_400_000, '1h 30m'],
    [7_200_000, '2h'],
    [3_661_000, '1h 1m 1s'],
    [-5, '0s'],
  ])('writes %d ms as %j', (milliseconds, text) => {
    expect(formatDuration(milliseconds)).toBe(text);
  });

  it('writes what parseDuration reads back, to the second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 * 24 * 3_600_000 }), (milliseconds) => {
        expect(parseDuration(formatDuration(milliseconds))).toBe(Math.round(milliseconds / 1000) * 1000);
      }),
    );
  });
});
