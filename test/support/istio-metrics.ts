// A metrics endpoint that exports what an Istio ingress gateway exports, for a real Prometheus to
// scrape: istio_requests_total and istio_request_duration_milliseconds with reporter="source". Tests
// set each workload's traffic; counters grow with the time between scrapes, like a real gateway's.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Traffic {
  requestsPerSecond: number;
  /** Share of the requests answered 503, 0..1. */
  errorRatio?: number;
  latencyMs?: number;
}

export interface IstioMetrics {
  /** host:port for Prometheus's scrape config. */
  target: string;
  /** Sets a workload's traffic from now on; 0 requests per second keeps its series, flat. */
  setTraffic(workload: string, namespace: string, traffic: Traffic): void;
  stop(): Promise<void>;
}

// Istio's default buckets for request durations.
const BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000];

interface Series {
  workload: string;
  namespace: string;
  traffic: Traffic;
  /** Requests by response code; a code appears once a request got it, as in Istio. */
  byCode: Map<string, number>;
  buckets: number[];
  count: number;
  sum: number;
  since: number;
}

export async function startIstioMetrics(): Promise<IstioMetrics> {
  const series = new Map<string, Series>();
  const advance = (now: number) => {
    for (const s of series.values()) {
      const requests = (s.traffic.requestsPerSecond * (now - s.since)) / 1000;
      s.since = now;
      if (requests === 0) continue;
      const errors = requests * (s.traffic.errorRatio ?? 0);
      add(s.byCode, '200', requests - errors);
      if (errors > 0) add(s.byCode, '503', errors);
      const latency = s.traffic.latencyMs ?? 10;
      BUCKETS.forEach((le, i) => {
        if (latency <= le) s.buckets[i] = (s.buckets[i] ?? 0) + requests;
      });
      s.count += requests;
      s.sum += requests * latency;
    }
  };
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    advance(Date.now());
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition([...series.values()]));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTraffic(workload, namespace, traffic) {
      const now = Date.now();
      advance(now);
      const key = `${namespace}/${workload}`;
      const existing = series.get(key);
      if (existing) existing.traffic = traffic;
      else
        series.set(key, {
          workload,
          namespace,
          traffic,
          byCode: new Map(),
          buckets: BUCKETS.map(() => 0),
          count: 0,
          sum: 0,
          since: now,
        });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function add(counts: Map<string, number>, code: string, requests: number): void {
  counts.set(code, (counts.get(code) ?? 0) + requests);
}

function exposition(all: Series[]): string {
  const lines = [
    '# TYPE istio_requests_total counter',
    ...all.flatMap((s) =>
      [...s.byCode].map(([code, total]) => `istio_requests_total{${labels(s)},response_code="${code}"} ${total}`),
    ),
    '# TYPE istio_request_duration_milliseconds histogram',
    ...all.flatMap((s) => [
      ...BUCKETS.map((le, i) => `istio_request_duration_milliseconds_bucket{${labels(s)},le="${le}"} ${s.buckets[i]}`),
      `istio_request_duration_milliseconds_bucket{${labels(s)},le="+Inf"} ${s.count}`,
      `istio_request_duration_milliseconds_sum{${labels(s)}} ${s.sum}`,
      `istio_request_duration_milliseconds_count{${labels(s)}} ${s.count}`,
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

function labels(s: Series): string {
  return `reporter="source",source_workload="${s.workload}",source_workload_namespace="${s.namespace}"`;
}
