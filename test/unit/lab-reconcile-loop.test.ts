// The lab controllers' reconcile loop: a delay from the first change, changes within it joined into
// one pass, passes one at a time, failed passes retried.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/lab/kube/logger.js';
import { startReconcileLoop } from '../../src/lab/kube/reconcile-loop.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startReconcileLoop', () => {
  it('runs one pass a delay after the first of several triggers', async () => {
    const pass = vi.fn(async () => {});
    const loop = startReconcileLoop({ name: 'test', pass, delayMs: 1_000, logger: silentLogger });
    loop.trigger();
    await vi.advanceTimersByTimeAsync(600);
    loop.trigger();
    loop.trigger();
    await vi.advanceTimersByTimeAsync(399);
    expect(pass).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(pass).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(pass).toHaveBeenCalledTimes(1);
    await loop.stop();
  });

  it('never overlaps passes, and a change during a pass gets a pass of its own', async () => {
    let running = 0;
    let most = 0;
    const pass = vi.fn(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 500));
      running--;
    });
    const loop = startReconcileLoop({ name: 'test', pass, delayMs: 100, logger: silentLogger });
    loop.trigger();
    await vi.advanceTimersByTimeAsync(200);
    loop.trigger();
    const now = loop.runNow();
    await vi.advanceTimersByTimeAsync(2_000);
    await now;
    expect(pass).toHaveBeenCalledTimes(2);
    expect(most).toBe(1);
    await loop.stop();
  });

  it('retries a failed pass, and resyncs', async () => {
    const pass = vi.fn(async () => {});
    pass.mockRejectedValueOnce(new Error('apiserver away'));
    const warn = vi.fn();
    const loop = startReconcileLoop({
      name: 'test',
      pass,
      delayMs: 100,
      retryMs: 1_000,
      resyncMs: 10_000,
      logger: { info: () => {}, warn },
    });
    loop.trigger();
    await vi.advanceTimersByTimeAsync(100);
    expect(warn).toHaveBeenCalledWith('test: apiserver away; again in 1000 ms');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pass).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(10_100);
    expect(pass).toHaveBeenCalledTimes(3);
    await loop.stop();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(pass).toHaveBeenCalledTimes(3);
  });
});
