// The lab's gateway pods: real HTTP servers on loopback IPs that route by the bookinfo Gateway and
// VirtualService (shared fixtures), stamp the serving pod, fail on demand, drain on stop, and export
// Istio's metrics, which a real Prometheus answers the analysis's default queries from. watchRoutes
// follows a real API server.
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestCluster } from '../../src/lab/cluster/index.js';
import {
  type GatewayIdentity,
  type GatewayPod,
  METRICS_PATH,
  RouteTable,
  SERVED_BY_HEADER,
  startGatewayPod,
  watchRoutes,
} from '../../src/lab/gateway/index.js';
import { startLoad } from '../../src/lab/load/index.js';
import { startPrometheus } from '../../src/lab/prometheus.js';
import { analysisSchema, defaultChecks, renderQuery } from '../../src/plan/index.js';
import { freePort } from '../../src/ports.js';
import { ASM, bookinfo, bookinfoForBoth, HOST, ISTIO } from '../support/lab-bookinfo.js';
import { failureOf, get } from '../support/lab-http.js';

const { gateway, virtualService } = bookinfo();

function routes(...gateways: unknown[]): RouteTable {
  const table = new RouteTable();
  table.setGateways(gateways);
  table.setVirtualServices([virtualService]);
  return table;
}

interface RunningPod {
  pod: GatewayPod;
  /** host:port of the metrics endpoint. */
  metricsTarget: string;
  url(path: string, port?: number): string;
  ports: number[];
  metrics(): Promise<string>;
}

let nextIp = 1;

/** A pod on a fresh loopback IP, stopped when the test ends. */
async function startPod(identity: GatewayIdentity, routing: RouteTable, portCount = 1): Promise<RunningPod> {
  const ip = `127.0.88.${nextIp++}`;
  const ports: number[] = [];
  for (let i = 0; i < portCount; i++) ports.push(await freePort(ip));
  const metricsPort = await freePort(ip);
  const podName = `${identity.workload}-${nextIp}`;
  const pod = await startGatewayPod({ ip, ports, podName, gateway: identity, routing, metricsPort });
  onTestFinished(() => pod.stop());
  return {
    pod,
    ports,
    url: (path, port = ports[0]) => `http://${ip}:${port}${path}`,
    metricsTarget: `${ip}:${metricsPort}`,
    metrics: async () => (await get(`http://${ip}:${metricsPort}${METRICS_PATH}`, ip)).body,
  };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function samples(exposition: string): Sample[] {
  return exposition.split('\n').flatMap((line) => {
    const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!match) return [];
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    return [{ name: match[1] ?? '', labels, value: Number(match[3]) }];
  });
}

function sampleValue(all: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return all.find(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value;
}

describe('gateway pod', () => {
  it('answers a routed request on every port with 200 and its stamp; 404 without a route', async () => {
    const istio = await startPod(ISTIO, routes(gateway), 2);
    for (const port of istio.ports) {
      const answer = await get(istio.url('/productpage', port), HOST);
      expect(answer.status).toBe(200);
      expect(answer.headers[SERVED_BY_HEADER]).toBe(`ingressgateway/${istio.pod.podName}`);
      expect(answer.body).toContain('bookinfo/bookinfo');
    }
    const unrouted = await get(istio.url('/admin'), HOST);
    expect(unrouted.status).toBe(404);
    expect(unrouted.headers[SERVED_BY_HEADER]).toBe(`ingressgateway/${istio.pod.podName}`);
  });

  it('404s until both a Gateway selecting the pod and a VirtualService bound to it exist', async () => {
    const both = bookinfoForBoth(ASM.name);
    const routing = routes(gateway);
    const asm = await startPod(ASM, routing);
    const status = async () => (await get(asm.url('/productpage'), HOST)).status;
    expect(await status()).toBe(404);
    routing.setGateways(both.gateways);
    expect(await status()).toBe(404);
    routing.setVirtualServices(both.virtualServices);
    expect(await status()).toBe(200);
    routing.setVirtualServices([virtualService]);
    expect(await status()).toBe(404);
  });

  it('answers exactly the error ratio with 503', async () => {
    const istio = await startPod(ISTIO, routes(gateway));
    istio.pod.faults.errorRatio = 0.5;
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => get(istio.url('/productpage'), HOST)));
      statuses.push(...answers.map((answer) => answer.status));
    }
    expect(statuses.filter((status) => status === 503)).toHaveLength(50);
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
  });

  it("exports Istio's request count and duration histogram with the labels the analysis selects", async () => {
    const istio = await startPod(ISTIO, routes(gateway));
    istio.pod.faults.errorRatio = 0.25;
    istio.pod.faults.addedLatencyMs = 30;
    await Promise.all(Array.from({ length: 8 }, () => get(istio.url('/productpage'), HOST)));
    istio.pod.faults.addedLatencyMs = 0;
    await get(istio.url('/nowhere'), HOST);

    const exposition = await istio.metrics();
    expect(exposition).toContain('# TYPE istio_requests_total counter');
    expect(exposition).toContain('# TYPE istio_request_duration_milliseconds histogram');
    const all = samples(exposition);
    const select = {
      reporter: 'source',
      source_workload: 'istio-ingressgateway',
      source_workload_namespace: 'istio-system',
      request_protocol: 'http',
    };
    const routed = { ...select, destination_service: 'productpage.bookinfo.svc.cluster.local' };
    expect(sampleValue(all, 'istio_requests_total', { ...routed, response_code: '200' })).toBe(6);
    expect(sampleValue(all, 'istio_requests_total', { ...routed, response_code: '503' })).toBe(2);
    expect(
      sampleValue(all, 'istio_requests_total', { ...select, destination_service: 'unknown', response_code: '404' }),
    ).toBe(1);
    const bucket = (le: string) =>
      sampleValue(all, 'istio_request_duration_milliseconds_bucket', { ...routed, response_code: '200', le });
    expect(bucket('25')).toBe(0);
    expect(bucket('0.5')).toBe(0);
    expect(bucket('+Inf')).toBe(6);
    expect(sampleValue(all, 'istio_request_duration_milliseconds_count', { ...routed, response_code: '200' })).toBe(6);
    expect(
      sampleValue(all, 'istio_request_duration_milliseconds_sum', { ...routed, response_code: '200' }),
    ).toBeGreaterThanOrEqual(180);
  });

  it('drains on stop: refuses new connections, closes idle ones, lets a request in flight finish', async () => {
    const istio = await startPod(ISTIO, routes(gateway));
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => keepAlive.destroy());
    await get(istio.url('/productpage'), HOST, keepAlive);
    const idle = Object.values(keepAlive.freeSockets).flat()[0];
    expect(idle).toBeDefined();
    const idleClosed = new Promise<number>((resolve) => idle?.once('close', () => resolve(performance.now())));

    istio.pod.faults.addedLatencyMs = 500;
    const inFlight = get(istio.url('/productpage'), HOST);
    await sleep(100);
    const stopStarted = performance.now();
    const stopped = istio.pod.stop({ drainMs: 5000 }).then(() => performance.now());
    expect(await failureOf(istio.url('/productpage'), HOST)).toBe('ECONNREFUSED');
    expect((await idleClosed) - stopStarted).toBeLessThan(100);

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('close');
    expect((await stopped) - stopStarted).toBeLessThan(1000);
  });

  it('closes what is still in flight when the drain time is up', async () => {
    const istio = await startPod(ISTIO, routes(gateway));
    istio.pod.faults.addedLatencyMs = 5000;
    const inFlight = failureOf(istio.url('/productpage'), HOST);
    await sleep(100);
    const stopStarted = performance.now();
    await istio.pod.stop({ drainMs: 200 });
    expect(performance.now() - stopStarted).toBeLessThan(1000);
    expect(await inFlight).toBe('ECONNRESET');
  });
});

describe('gateway pod metrics in a real Prometheus', () => {
  it("answer the analysis's default queries: 5xx ratio, p99 latency, request rate, ratio above the source", async () => {
    const both = bookinfoForBoth(ASM.name);
    const routing = new RouteTable();
    routing.setGateways(both.gateways);
    routing.setVirtualServices(both.virtualServices);
    const [istio, asm] = [await startPod(ISTIO, routing), await startPod(ASM, routing)];
    asm.pod.faults.errorRatio = 0.2;
    const prometheus = await startPrometheus({
      scrapeTargets: [istio.metricsTarget, asm.metricsTarget],
      metricsPath: METRICS_PATH,
      scrapeIntervalSec: 1,
    });
    onTestFinished(() => prometheus.stop());
    const load = startLoad({
      targets: [istio, asm].map((pod) => ({ url: pod.url('/productpage'), host: HOST })),
      rps: 100,
    });
    onTestFinished(() => load.stop().then(() => undefined));

    const checks = defaultChecks(analysisSchema.parse({ maxErrorRatioAboveSource: 0.05 }));
    const variables = {
      workload: ASM.workload,
      namespace: ASM.namespace,
      sourceWorkload: ISTIO.workload,
      sourceNamespace: ISTIO.namespace,
      window: '4s',
    };
    const query = async (name: string): Promise<number | undefined> => {
      const check = checks.find((candidate) => candidate.name === name);
      if (!check) throw new Error(`no default check ${name}`);
      const url = new URL('/api/v1/query', prometheus.url);
      url.searchParams.set('query', renderQuery(check.query, variables));
      const body = (await (await fetch(url)).json()) as { data: { result: { value: [number, string] }[] } };
      const value = body.data.result[0]?.value[1];
      return value === undefined ? undefined : Number(value);
    };
    // Two scrapes give the first rate; the 4 s window is full of traffic 4 s later.
    const deadline = Date.now() + 20_000;
    while ((await query('target-request-rate')) === undefined && Date.now() < deadline) await sleep(250);
    await sleep(4000);
    const values = Object.fromEntries(await Promise.all(checks.map(async ({ name }) => [name, await query(name)])));
    expect(values['target-5xx-ratio']).toBeCloseTo(0.2, 1);
    expect(values['target-vs-source-5xx-ratio']).toBeCloseTo(0.2, 1);
    expect(values['target-request-rate']).toBeGreaterThan(40);
    expect(values['target-request-rate']).toBeLessThan(60);
    expect(values['target-p99-latency-ms']).toBeLessThanOrEqual(25);
  });
});

describe('watchRoutes', () => {
  it('keeps a route table in sync with the Gateways and VirtualServices of a real API server', async () => {
    const cluster = await startTestCluster();
    onTestFinished(() => cluster.stop());
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.adminKubeconfig);
    const api = kc.makeApiClient(CustomObjectsApi);
    const resource = (plural: string) => ({
      group: 'networking.istio.io',
      version: 'v1beta1',
      namespace: 'default',
      plural,
    });
    const objects = bookinfo('default');
    const create = (plural: string, object: object) =>
      api.createNamespacedCustomObject({
        ...resource(plural),
        body: { ...object, apiVersion: 'networking.istio.io/v1beta1' },
      });
    const table = new RouteTable();
    const routed = () => table.lookup({ istio: ISTIO.name }, HOST, '/productpage') !== undefined;
    const until = async (expected: boolean) => {
      for (let attempt = 0; attempt < 100 && routed() !== expected; attempt++) await sleep(50);
      return routed();
    };

    await create('gateways', objects.gateway);
    const stop = await watchRoutes(cluster.adminKubeconfig, undefined, table);
    onTestFinished(stop);
    expect(routed()).toBe(false);
    await create('virtualservices', objects.virtualService);
    expect(await until(true)).toBe(true);
    await api.deleteNamespacedCustomObject({ ...resource('gateways'), name: objects.gateway.metadata.name });
    expect(await until(false)).toBe(false);
  });
});
