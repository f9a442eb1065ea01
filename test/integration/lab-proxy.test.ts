// The CLB proxy of one listener in front of real gateway pods: new connections spread by the current
// backend weights of the SLB emulator's state (or in turn, or by client, as the listener's scheduler says), keep-alive connections stay where they are, weight 0
// and unhealthy backends take no new connections, and no backend at all resets the connection.
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { SERVED_BY_HEADER } from '../../src/lab/gateway/index.js';
import { HOST } from '../support/lab-bookinfo.js';
import { type ClbScene, startClbScene } from '../support/lab-clb.js';
import { failureOf, get } from '../support/lab-http.js';

let scene: ClbScene;

beforeAll(async () => {
  scene = await startClbScene(['127.0.89.1', '127.0.89.2']);
});

afterAll(async () => {
  await scene?.stop();
});

/** `count` requests, each on a new connection, 50 at a time: the serving pods' names in order. */
async function servedBy(count: number): Promise<string[]> {
  const pods: string[] = [];
  while (pods.length < count) {
    const batch = Math.min(50, count - pods.length);
    const answers = await Promise.all(Array.from({ length: batch }, () => get(scene.url('/productpage'), HOST)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      pods.push(String(answer.headers[SERVED_BY_HEADER]).split('/')[1] ?? '');
    }
  }
  return pods;
}

function shares(pods: string[]): number[] {
  return scene.pods.map((pod) => pods.filter((name) => name === pod.podName).length / pods.length);
}

function connections(index: number): number {
  const backend = scene.backends[index];
  return scene.proxy.stats.connectionsByBackend.get(`${backend?.serverIp}:${backend?.port}`) ?? 0;
}

describe('CLB proxy', () => {
  it('spreads 1000 new connections 90/10 by the backend weights', async () => {
    scene.setWeights(90, 10);
    const before = scene.pods.map((_, index) => connections(index));
    const [istio, asm] = shares(await servedBy(1000));
    expect(Math.abs((istio ?? 0) - 0.9)).toBeLessThanOrEqual(0.03);
    expect(Math.abs((asm ?? 0) - 0.1)).toBeLessThanOrEqual(0.03);
    // Smooth weighted round robin is exact over whole cycles of the weights.
    expect(scene.pods.map((_, index) => connections(index) - (before[index] ?? 0))).toEqual([900, 100]);
  });

  it('applies a weight change to the next new connections', async () => {
    scene.setWeights(10, 90);
    const [istio, asm] = shares(await servedBy(200));
    expect(Math.abs((istio ?? 0) - 0.1)).toBeLessThanOrEqual(0.03);
    expect(Math.abs((asm ?? 0) - 0.9)).toBeLessThanOrEqual(0.03);
  });

  it('sends no new connection to a backend at weight 0, while its keep-alive connection keeps working', async () => {
    scene.setWeights(100, 0);
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => keepAlive.destroy());
    const first = await get(scene.url('/productpage'), HOST, keepAlive);
    expect(first.headers[SERVED_BY_HEADER]).toContain(scene.pods[0]?.podName);

    scene.setWeights(0, 100);
    expect(new Set(await servedBy(50))).toEqual(new Set([scene.pods[1]?.podName]));
    for (let i = 0; i < 5; i++) {
      const again = await get(scene.url('/productpage'), HOST, keepAlive);
      expect(again.headers[SERVED_BY_HEADER]).toBe(first.headers[SERVED_BY_HEADER]);
      expect(again.clientPort).toBe(first.clientPort);
    }
  });

  it('skips a backend whose health check is abnormal', async () => {
    scene.setWeights(50, 50);
    scene.slb.setHealth('127.0.89.2', 'abnormal');
    onTestFinished(() => scene.slb.setHealth('127.0.89.2', 'normal'));
    expect(new Set(await servedBy(20))).toEqual(new Set([scene.pods[0]?.podName]));
  });

  it('resets new connections when no backend has weight', async () => {
    scene.setWeights(0, 0);
    const refused = scene.proxy.stats.refused;
    expect(await failureOf(scene.url('/productpage'), HOST)).toBe('ECONNRESET');
    expect(scene.proxy.stats.refused).toBe(refused + 1);
  });

  describe('with a scheduler that does not weigh backends', () => {
    const setScheduler = (scheduler: 'wrr' | 'rr' | 'sch') => {
      const [lb] = scene.slb.loadBalancers.keys();
      scene.slb.setScheduler(lb ?? '', 80, scheduler);
    };

    it('takes turns under rr: 90/10 weights split the connections evenly', async () => {
      scene.setWeights(90, 10);
      setScheduler('rr');
      onTestFinished(() => setScheduler('wrr'));
      const before = scene.pods.map((_, index) => connections(index));
      await servedBy(200);
      expect(scene.pods.map((_, index) => connections(index) - (before[index] ?? 0))).toEqual([100, 100]);
    });

    it('keeps one client address on one backend under sch, whatever the weights', async () => {
      scene.setWeights(50, 50);
      setScheduler('sch');
      onTestFinished(() => setScheduler('wrr'));
      expect(new Set(await servedBy(50)).size).toBe(1);
    });
  });
});
