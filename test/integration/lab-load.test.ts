// The load generator through a CLB proxy in front of an Istio and an ASM gateway pod: steady traffic,
// per-second records, shares that follow the backend weights, and transport errors by cause.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type LoadOptions, startLoad, summarize } from '../../src/lab/load/index.js';
import { ASM, HOST, ISTIO } from '../support/lab-bookinfo.js';
import { type ClbScene, startClbScene } from '../support/lab-clb.js';

let scene: ClbScene;

beforeAll(async () => {
  scene = await startClbScene(['127.0.90.1', '127.0.90.2']);
});

afterAll(async () => {
  await scene?.stop();
});

/** Load through the scene's CLB, stopped when the test ends even if it fails. */
function load(options: Omit<LoadOptions, 'targets'>) {
  const running = startLoad({ targets: [{ url: scene.url('/productpage'), host: HOST }], ...options });
  onTestFinished(() => running.stop().then(() => undefined));
  return running;
}

function totalConnections(): number {
  return [...scene.proxy.stats.connectionsByBackend.values()].reduce((sum, count) => sum + count, 0);
}

describe('load generator', () => {
  it('sends 200 requests/s for 3 s or more without a failure, recorded per second, shared as the weights say', async () => {
    scene.setWeights(90, 10);
    const running = load({ rps: 200 });
    await sleep(1500);
    expect(running.snapshot().totals.requests).toBeGreaterThan(100);
    await sleep(1500);
    // A run that began near the start of a second spans three calendar seconds only: it goes on into a
    // fourth, so that two whole seconds lie between the first and the last.
    while (running.snapshot().seconds.length < 4) await sleep(50);
    const record = await running.stop();

    expect(record.totals.requests).toBeGreaterThanOrEqual(590);
    // Open loop: exactly what the rate made due by the stop, however slow the answers.
    const dueByStop = (((record.stoppedAt ?? 0) - record.startedAt) * 200) / 1000;
    expect(record.totals.requests).toBeLessThanOrEqual(Math.ceil(dueByStop) + 1);
    const whole = summarize(record, 0, Number.MAX_SAFE_INTEGER);
    expect(whole).toMatchObject({ failures: 0, skipped: 0, transportErrors: {}, byStatus: { 200: whole.requests } });
    expect(Math.abs((whole.share[ISTIO.name] ?? 0) - 0.9)).toBeLessThanOrEqual(0.03);
    expect(Math.abs((whole.share[ASM.name] ?? 0) - 0.1)).toBeLessThanOrEqual(0.03);

    // Every whole second in the middle of the run carries the rate and the shares.
    const middle = record.seconds.slice(1, -1);
    expect(middle.length).toBeGreaterThanOrEqual(2);
    for (const { second } of middle) {
      const summary = summarize(record, second, second + 1);
      expect(Math.abs(summary.requests - 200)).toBeLessThanOrEqual(20);
      expect(Math.abs((summary.share[ASM.name] ?? 0) - 0.1)).toBeLessThanOrEqual(0.03);
    }
  });

  it('with a keep-alive budget, opens a connection per that many requests and still follows the weights', async () => {
    scene.setWeights(50, 50);
    const connectionsBefore = totalConnections();
    const running = load({ rps: 200, keepAliveRequests: 10 });
    await sleep(2000);
    const record = await running.stop();
    const summary = summarize(record, 0, Number.MAX_SAFE_INTEGER);
    expect(summary.failures).toBe(0);
    const connections = totalConnections() - connectionsBefore;
    expect(connections).toBeGreaterThanOrEqual(Math.floor(summary.requests / 10));
    // Connections left part-used at the end, more of them when requests overlap on a busy machine.
    expect(connections).toBeLessThanOrEqual(summary.requests / 5);
    expect(Math.abs((summary.share[ISTIO.name] ?? 0) - 0.5)).toBeLessThanOrEqual(0.03);
  });

  it('keeps its long-lived share on the gateway it connected to after the weights move, until those connections reach their age', async () => {
    scene.setWeights(100, 0);
    // Two connections of 10 requests/s each, closing at 1.5 s and 3 s of age.
    const running = load({ rps: 200, longLived: { share: 0.1, connections: 2, maxAgeMs: 3000 } });
    await sleep(500);
    scene.setWeights(0, 100);
    const movedAt = Date.now();
    await sleep(5500);
    const record = await running.stop();
    const moved = Math.ceil(movedAt / 1000);
    // The first whole second after the move: new connections go to ASM, the 3 s one stays on Istio.
    const after = summarize(record, moved, moved + 1);
    expect(after.byGateway[ISTIO.name] ?? 0).toBeGreaterThanOrEqual(5);
    expect(after.longLivedByGateway[ISTIO.name]).toBe(after.byGateway[ISTIO.name]);
    expect(after.byGateway[ASM.name] ?? 0).toBeGreaterThanOrEqual(150);
    // Past their age they closed, and their successors opened on ASM: nothing reaches Istio any more.
    const late = summarize(record, moved + 3, Math.floor((record.stoppedAt ?? 0) / 1000));
    expect(late.requests).toBeGreaterThanOrEqual(190);
    expect(late.byGateway[ISTIO.name] ?? 0).toBe(0);
    expect(late.longLivedByGateway[ASM.name] ?? 0).toBeGreaterThan(0);
    expect(summarize(record, 0, Number.MAX_SAFE_INTEGER).failures).toBe(0);
  });

  it('records transport errors by cause when the CLB has no backend with weight', async () => {
    scene.setWeights(0, 0);
    const running = load({ rps: 100 });
    await sleep(1000);
    const record = await running.stop();
    expect(record.totals.requests).toBeGreaterThan(90);
    expect(record.totals.transportErrors).toEqual({ ECONNRESET: record.totals.requests });
    expect(summarize(record, 0, Number.MAX_SAFE_INTEGER).failures).toBe(record.totals.requests);
  });
});
