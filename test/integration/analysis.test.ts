// The analysis activity against a real Prometheus scraping Istio's metric names every second from a
// fixture whose traffic the tests set. The activity runs in MockActivityEnvironment: heartbeats and
// cancellation as a worker delivers them, without a Temporal server.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../activities/analysis/analyze.js';
import type { CheckSummary } from '../../activities/analysis/verdict.js';
import type { AnalysisRequest } from '../../activities/contracts.js';
import type { AnalysisSummary } from '../../src/api/records.js';
import { type RunningPrometheus, startPrometheus } from '../../src/lab/prometheus.js';
import { buildPlan } from '../../src/plan/index.js';
import { freePort } from '../../src/ports.js';
import { runActivity } from '../support/activity-run.js';
import { type IstioMetrics, startIstioMetrics } from '../support/istio-metrics.js';

const NS = 'istio-system';
const SECONDS = 1000;

let metrics: IstioMetrics | undefined;
let prometheus: RunningPrometheus | undefined;

beforeAll(async () => {
  metrics = await startIstioMetrics();
  prometheus = await startPrometheus({ scrapeTargets: [metrics.target], scrapeIntervalSec: 1 });
});

afterAll(async () => {
  await prometheus?.stop();
  await metrics?.stop();
});

/** A request for the plan's analysis, watching workload `target` (and `source` for comparisons). */
function analysisOf(target: string, analysis: Record<string, unknown> = {}, source = 'no-source'): AnalysisRequest {
  const plan = buildPlan({
    traffic: {
      kind: 'clb-annotation',
      source: {
        namespace: NS,
        service: 'istio-ingressgateway',
        selector: { istio: 'ingressgateway' },
        workload: source,
      },
      target: {
        namespace: NS,
        service: 'ingressgateway-asm',
        selector: { istio: 'ingressgateway-asm' },
        workload: target,
      },
      loadBalancers: [{ id: 'lb-analysis', region: 'cn-hangzhou', vServerGroups: [{ id: 'rsp-analysis', port: 80 }] }],
    },
    analysis: { prometheusUrl: prometheus?.url, interval: '1s', window: '5s', consecutiveFailures: 3, ...analysis },
    routes: [{ host: 'bookinfo.example.com' }],
  });
  return { migrationId: 'analysis-test', step: 1, analysis: plan.analysis, soakMs: 60 * SECONDS };
}

function start(request: AnalysisRequest, heartbeatDetails?: CheckSummary) {
  return runActivity<AnalysisRequest, AnalysisSummary, CheckSummary>(analyze, request, { heartbeatDetails });
}

function traffic(workload: string, requestsPerSecond: number, errorRatio = 0, latencyMs = 20): void {
  metrics?.setTraffic(workload, NS, { requestsPerSecond, errorRatio, latencyMs });
}

/** Cancels the run as the workflow does at the end of a soak, and returns the summary it stopped with. */
async function stop(run: ReturnType<typeof start>): Promise<AnalysisSummary> {
  run.cancel();
  const { error } = await run.outcome;
  expect(error).toBeInstanceOf(CancelledFailure);
  const [summary] = (error as CancelledFailure).details as AnalysisSummary[];
  if (!summary) throw new Error('CancelledFailure without a summary');
  return summary;
}

describe('analyze', () => {
  it('gives no verdict before data arrives, then passes; a cancel ends it with the summary as details', async () => {
    traffic('healthy-gw', 50);
    const run = start(analysisOf('healthy-gw'));
    const passing = await run.heartbeat((summary) => summary.verdict === 'pass', 20 * SECONDS);
    expect(passing.samples.map((s) => [s.check, s.pass])).toEqual([
      ['target-5xx-ratio', true],
      ['target-p99-latency-ms', true],
      ['target-request-rate', true],
    ]);
    const [ratio, p99, rate] = passing.samples.map((s) => s.value);
    expect(ratio).toBe(0);
    // Every request took 20 ms: the p99 lies in Istio's 10–25 ms bucket.
    expect(p99).toBeGreaterThan(10);
    expect(p99).toBeLessThanOrEqual(25);
    expect(rate).toBeGreaterThan(0);
    const before = run.heartbeats.slice(0, run.heartbeats.indexOf(passing));
    expect(before.every((summary) => summary.verdict === 'no-data')).toBe(true);

    const final = await stop(run);
    expect(final.verdict).toBe('pass');
    expect(final.evaluations).toBeGreaterThanOrEqual(passing.evaluations);
    expect(final.samples).toEqual(run.heartbeats.at(-1)?.samples);
  });

  it('returns a breach once the 5xx ratio stays above its threshold for consecutiveFailures rounds', async () => {
    traffic('failing-gw', 50, 0.5);
    const run = start(analysisOf('failing-gw'));
    const { result, error } = await run.outcome;
    expect(error).toBeUndefined();
    expect(result?.verdict).toBe('breach');
    expect(result?.breach).toMatchObject({ check: 'target-5xx-ratio', threshold: 0.01, pass: '<=', consecutive: 3 });
    expect(result?.breach?.message).toBe('target-5xx-ratio = 0.5 failed <= 0.01 3 times in a row');
    const failing = run.heartbeats.filter((summary) => summary.verdict === 'failing');
    expect(failing.map((summary) => summary.samples[0]?.consecutiveFailures)).toEqual([1, 2]);
    expect(run.heartbeats.at(-1)).toEqual(result);
  });

  it('resumes the consecutive-failure counts a previous attempt heartbeated', async () => {
    traffic('resumed-gw', 50, 0.5);
    const previous: CheckSummary = {
      verdict: 'failing',
      evaluations: 7,
      evaluationsWithData: 7,
      samples: [
        {
          check: 'target-5xx-ratio',
          value: 0.5,
          pass: false,
          comparison: '<=',
          threshold: 0.01,
          at: new Date().toISOString(),
          consecutiveFailures: 2,
        },
      ],
    };
    const run = start(analysisOf('resumed-gw'), previous);
    const { result } = await run.outcome;
    expect(result?.breach).toMatchObject({ check: 'target-5xx-ratio', consecutive: 3 });
    expect(result?.evaluations).toBeGreaterThan(7);
    // Rounds without data in between kept the count: the first failing round was the third in a row.
    expect(run.heartbeats.filter((summary) => summary.verdict === 'failing')).toEqual([]);
  });

  it('says no-data, never pass, for a gateway without traffic', async () => {
    const run = start(analysisOf('silent-gw'));
    await run.heartbeat((summary) => summary.evaluations >= 3, 10 * SECONDS);
    const final = await stop(run);
    expect(final.verdict).toBe('no-data');
    expect(run.heartbeats.map((summary) => summary.verdict)).toEqual(run.heartbeats.map(() => 'no-data'));
    expect(final.samples.map((s) => [s.value, s.pass])).toEqual([
      [null, false],
      [null, false],
      [null, false],
    ]);
    expect((final.samples as CheckSummary['samples'])[0]?.error).toBe('the query returned no data');
  });

  it("runs custom checks and compares the target's error ratio with the source's", async () => {
    traffic('worse-target', 50, 0.3);
    traffic('better-source', 50, 0.1);
    const custom = {
      name: 'target-rps-below-1000',
      query: 'sum(rate(istio_requests_total{source_workload="{{workload}}"}[{{window}}]))',
      pass: '<',
      threshold: 1000,
    };
    const request = analysisOf(
      'worse-target',
      { maxErrorRatio: 1, maxErrorRatioAboveSource: 0.05, checks: [custom] },
      'better-source',
    );
    const { result } = await start(request).outcome;
    expect(result?.breach).toMatchObject({ check: 'target-vs-source-5xx-ratio', threshold: 0.05, consecutive: 3 });
    expect(result?.breach?.value).toBeCloseTo(0.2, 5);
    expect(result?.samples.find((s) => s.check === custom.name)).toMatchObject({ pass: true });
  });

  it('passes the comparison when the target is close to the source, or when the source has no traffic', async () => {
    traffic('close-target', 50, 0.12);
    traffic('close-source', 50, 0.1);
    traffic('lone-target', 50, 0.3);
    const settings = { maxErrorRatio: 1, maxErrorRatioAboveSource: 0.05 };
    const runs = [
      start(analysisOf('close-target', settings, 'close-source')),
      start(analysisOf('lone-target', settings, 'no-such-source')),
    ];
    const passing = await Promise.all(runs.map((run) => run.heartbeat((s) => s.verdict === 'pass', 20 * SECONDS)));
    const comparison = passing.map((summary) => summary.samples.find((s) => s.check === 'target-vs-source-5xx-ratio'));
    expect(comparison[0]?.value).toBeCloseTo(0.02, 5);
    expect(comparison[1]?.value).toBe(0);
    await Promise.all(runs.map(stop));
  });

  it('fails without retries when Prometheus keeps refusing a query, naming the check and the error', async () => {
    const broken = {
      name: 'broken-query',
      query: 'sum(rate(istio_requests_total[{{window}}])',
      pass: '<',
      threshold: 1,
    };
    const run = start(analysisOf('healthy-gw', { defaultChecks: false, checks: [broken] }));
    const { error } = await run.outcome;
    expect(error).toBeInstanceOf(ApplicationFailure);
    const failure = error as ApplicationFailure;
    expect(failure).toMatchObject({ type: 'BadPrometheusQuery', nonRetryable: true });
    expect(failure.message).toMatch(
      /^check broken-query: Prometheus refused its query 3 times in a row \(HTTP 400, bad_data: .*parse error/,
    );
    expect(run.heartbeats.map((summary) => summary.verdict)).toEqual(['no-data', 'no-data', 'no-data']);
  });
});

describe('analyze while Prometheus is unavailable', () => {
  const authorizations: (string | undefined)[] = [];
  let unavailable: Server | undefined;
  let unavailableUrl = '';

  beforeAll(async () => {
    unavailable = createServer((request, response) => {
      authorizations.push(request.headers.authorization);
      response
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }));
    });
    unavailable.listen(0, '127.0.0.1');
    await once(unavailable, 'listening');
    unavailableUrl = `http://127.0.0.1:${(unavailable.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    unavailable?.closeAllConnections();
    await new Promise((resolve) => unavailable?.close(resolve) ?? resolve(undefined));
  });

  it.each([
    ['refuses connections', async () => `http://127.0.0.1:${await freePort()}`, /ECONNREFUSED/],
    ['answers 503', async () => unavailableUrl, /^HTTP 503, unavailable: TSDB not ready$/],
  ])('counts rounds in which it %s as no data, and keeps going', async (_, url, reason) => {
    const run = start(analysisOf('healthy-gw', { prometheusUrl: await url() }));
    await run.heartbeat((summary) => summary.evaluations >= 4, 15 * SECONDS);
    const final = await stop(run);
    expect(final).toMatchObject({ verdict: 'no-data' });
    for (const sample of final.samples as CheckSummary['samples']) expect(sample.error).toMatch(reason);
  });

  it("sends the worker's bearer token, which never appears in the summary", async () => {
    process.env.PROMETHEUS_BEARER_TOKEN = 's3cret-token';
    try {
      const run = start(analysisOf('healthy-gw', { prometheusUrl: unavailableUrl }));
      await run.heartbeat((summary) => summary.evaluations >= 1, 5 * SECONDS);
      const final = await stop(run);
      expect(authorizations).toContain('Bearer s3cret-token');
      expect(JSON.stringify([final, run.heartbeats])).not.toContain('s3cret');
    } finally {
      delete process.env.PROMETHEUS_BEARER_TOKEN;
    }
  });
});
