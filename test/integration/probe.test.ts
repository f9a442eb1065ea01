// The probe activity against real HTTP(S) servers on loopback IPs standing in for gateway pods:
// Host-header routing, a 404 route, a refused connection, a timeout, a parity mismatch, and HTTPS
// with a self-signed certificate.
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePods } from '../../activities/probe/probe-pods.js';
import type { PodProbeReport, PodProbeRequest, ProbeTarget } from '../../activities/probe/types.js';
import type { RouteProbe } from '../../src/plan/index.js';
import { runActivity } from '../support/activity-run.js';
import { type GatewayPods, selfSignedCertificate, startGatewayPods } from '../support/gateway-pods.js';

const HOSTS = {
  bookinfo: 'bookinfo.example.com',
  reviews: 'reviews.example.com',
  moved: 'moved.example.com',
  slow: 'slow.example.com',
  secure: 'secure.example.com',
};
const everyHostOk = Object.fromEntries(Object.values(HOSTS).map((host) => [host, 200]));

let pods: GatewayPods | undefined;

beforeAll(async () => {
  pods = await startGatewayPods(
    [
      { ip: '127.0.0.2', routes: { ...everyHostOk, [HOSTS.reviews]: 404, [HOSTS.moved]: 301, [HOSTS.slow]: 'hang' } },
      { ip: '127.0.0.3', routes: { ...everyHostOk, [HOSTS.moved]: 301 } },
      { ip: '127.0.0.4', routes: everyHostOk },
    ],
    selfSignedCertificate([HOSTS.secure]),
  );
});

afterAll(async () => {
  await pods?.stop();
});

const target: ProbeTarget = {
  gateway: 'istio-system/ingressgateway-asm',
  pods: [
    { name: 'asm-1', ip: '127.0.0.2' },
    { name: 'asm-2', ip: '127.0.0.3' },
  ],
};
const source: ProbeTarget = {
  gateway: 'istio-system/istio-ingressgateway',
  pods: [{ name: 'istio-1', ip: '127.0.0.4' }],
};

function route(host: string, more: Partial<RouteProbe> = {}): RouteProbe {
  return { host, path: '/', port: pods?.httpPort ?? 0, scheme: 'http', expectStatus: [200], ...more };
}

async function probe(request: PodProbeRequest): Promise<PodProbeReport> {
  const { result, error } = await runActivity(probePods, request).outcome;
  if (!result) throw error;
  return result;
}

describe('probePods', () => {
  it('passes when every pod answers every route, over HTTP and HTTPS with the route as SNI', async () => {
    const secure = route(HOSTS.secure, { scheme: 'https', port: pods?.httpsPort, path: '/login' });
    const run = runActivity(probePods, { target, routes: [route(HOSTS.bookinfo), secure], compareWith: source });
    const { result: report } = await run.outcome;
    expect(report?.message).toBeUndefined();
    expect(report?.ok).toBe(true);
    expect(report?.results.map((r) => [r.podName, r.route, r.status, r.ok])).toEqual([
      ['asm-1', `http://${HOSTS.bookinfo}:${pods?.httpPort}/`, 200, true],
      ['asm-1', `https://${HOSTS.secure}:${pods?.httpsPort}/login`, 200, true],
      ['asm-2', `http://${HOSTS.bookinfo}:${pods?.httpPort}/`, 200, true],
      ['asm-2', `https://${HOSTS.secure}:${pods?.httpsPort}/login`, 200, true],
    ]);
    expect(report?.results.every((r) => typeof r.latencyMs === 'number' && r.error === undefined)).toBe(true);
    expect(report?.baseline.map((r) => [r.podName, r.status])).toEqual([
      ['istio-1', 200],
      ['istio-1', 200],
    ]);
    expect(report?.parity.map((p) => p.ok)).toEqual([true, true]);
    expect(pods?.serverNames).toContain(HOSTS.secure);
    expect(run.heartbeats.at(-1)).toEqual({ probed: 6, of: 6 });
  });

  it('fails on a route the target does not serve, naming the route and the pod', async () => {
    const report = await probe({ target, routes: [route(HOSTS.reviews, { path: '/reviews/1' })], compareWith: source });
    expect(report.ok).toBe(false);
    expect(report.results.map((r) => [r.podName, r.status, r.ok])).toEqual([
      ['asm-1', 404, false],
      ['asm-2', 200, true],
    ]);
    const label = `http://${HOSTS.reviews}:${pods?.httpPort}/reviews/1`;
    expect(report.message).toContain(
      `${label} on istio-system/ingressgateway-asm pod asm-1 (127.0.0.2): HTTP 404, expected 200`,
    );
    expect(report.parity).toEqual([
      {
        route: label,
        ok: false,
        targetClasses: ['2xx', '4xx'],
        sourceClasses: ['2xx'],
        message: `${label}: source pods answer 2xx, target pods asm-1 (4xx) do not`,
      },
    ]);
  });

  it('reports a refused connection and a request that times out', async () => {
    const withDeadPod = { ...target, pods: [...target.pods, { name: 'asm-gone', ip: '127.0.0.9' }] };
    const report = await probe({ target: withDeadPod, routes: [route(HOSTS.slow)], timeoutMs: 300 });
    expect(report.ok).toBe(false);
    const [slow, fine, gone] = report.results;
    expect(slow).toMatchObject({ podName: 'asm-1', ok: false, error: 'no answer within 300 ms' });
    expect(slow?.status).toBeUndefined();
    expect(slow?.latencyMs).toBeGreaterThanOrEqual(290);
    expect(fine).toMatchObject({ podName: 'asm-2', status: 200, ok: true });
    expect(gone).toMatchObject({ podName: 'asm-gone', ok: false, error: 'ECONNREFUSED' });
    expect(report.message).toContain('pod asm-gone (127.0.0.9): ECONNREFUSED');
    expect(report.parity).toEqual([]);
  });

  it('fails the parity check when the target answers in another status class than the source', async () => {
    const moved = route(HOSTS.moved, { expectStatus: [200, 301] });
    const report = await probe({ target, routes: [moved], compareWith: source });
    expect(report.results.every((r) => r.ok && r.status === 301)).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.message).toBe(
      `parity with istio-system/istio-ingressgateway: http://${HOSTS.moved}:${pods?.httpPort}/: source pods answer 2xx, target pods asm-1 (3xx), asm-2 (3xx) do not`,
    );
  });

  it('fails when the gateway has no pods to probe', async () => {
    const report = await probe({ target: { ...target, pods: [] }, routes: [route(HOSTS.bookinfo)] });
    expect(report).toMatchObject({ ok: false, message: 'istio-system/ingressgateway-asm has no pods to probe' });
  });

  it('stops at once when cancelled, with a CancelledFailure', async () => {
    const run = runActivity(probePods, { target, routes: [route(HOSTS.slow)], timeoutMs: 60_000 });
    await run.heartbeat(() => true, 5_000);
    const started = Date.now();
    run.cancel();
    const { error } = await run.outcome;
    expect(error).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
