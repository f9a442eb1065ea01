import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  effectiveShares,
  expectedShares,
  perBackendWeight,
  type SideWeights,
  writeOrder,
} from '../../src/plan/weights.js';

const weight = fc.integer({ min: 0, max: 100 });
// Weights a validated plan can hold: 0..100 on each side, never both 0.
const sides = fc.record({ source: weight, target: weight }).filter((w) => w.source > 0 || w.target > 0);

describe('writeOrder', () => {
  it('never leaves a CLB with every gateway at 0 between the two writes', () => {
    fc.assert(
      fc.property(fc.option(sides, { nil: undefined }), sides, (current, desired) => {
        const order = writeOrder(current, desired);
        expect([...order].sort()).toEqual(['source', 'target']);
        const first = order[0] as keyof SideWeights;
        // Before the first write, a side with no known current weight counts as 0: the worst case.
        const between = { source: current?.source ?? 0, target: current?.target ?? 0, [first]: desired[first] };
        expect(between.source + between.target).toBeGreaterThan(0);
      }),
    );
  });

  it('raises the target first on a step forward and the source first on a rollback', () => {
    expect(writeOrder({ source: 90, target: 10 }, { source: 50, target: 50 })).toEqual(['target', 'source']);
    expect(writeOrder({ source: 0, target: 100 }, { source: 100, target: 0 })).toEqual(['source', 'target']);
    expect(writeOrder(undefined, { source: 100, target: 0 })).toEqual(['source', 'target']);
  });
});

describe('the CCM weight arithmetic', () => {
  it('gives each pod max(1, floor(W / pods)), and 0 for W = 0', () => {
    expect(perBackendWeight(100, 3)).toBe(33);
    expect(perBackendWeight(10, 20)).toBe(1);
    expect(perBackendWeight(0, 5)).toBe(0);
    expect(perBackendWeight(50, 0)).toBe(0);
  });

  it('expects the annotation split when both sides have as many pods', () => {
    expect(expectedShares({ source: 90, target: 10 }, 2, 2)).toEqual({ source: 90, target: 10 });
    expect(expectedShares({ source: 0, target: 100 }, 3, 3)).toEqual({ source: 0, target: 100 });
  });

  it('expects more than 10% on the target at 90/10 when its pods outnumber the weight', () => {
    // 3 source pods get 30 each (90); 20 target pods get max(1, 0) = 1 each (20): 20 / 110.
    expect(expectedShares({ source: 90, target: 10 }, 3, 20)).toEqual({ source: 81.82, target: 18.18 });
  });

  it('reports 0/0 when no backend has weight', () => {
    expect(effectiveShares(0, 0)).toEqual({ source: 0, target: 0 });
  });

  it('gives shares that add up to 100 and a share to every side with weight and pods', () => {
    const pods = fc.integer({ min: 1, max: 200 });
    fc.assert(
      fc.property(sides, pods, pods, (weights, sourcePods, targetPods) => {
        const shares = expectedShares(weights, sourcePods, targetPods);
        expect(shares.source + shares.target).toBeCloseTo(100, 6);
        expect(shares.source > 0).toBe(weights.source > 0);
        expect(shares.target > 0).toBe(weights.target > 0);
      }),
    );
  });
});
