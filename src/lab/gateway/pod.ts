// A gateway pod: an HTTP server per container port on the pod's loopback IP that answers like the
// Envoy of an Istio ingress gateway (a route from the Gateway/VirtualService resources, else 404),
// stamps which gateway and pod served, drains on stop, and on its status port (the pilot-agent's)
// exports Istio's metrics and answers the readiness probe.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorDrawer, type GatewayFaults } from './faults.js';
import { createIstioStats } from './metrics.js';
import type { Route, RouteTable } from './routes.js';

/** `<gateway name>/<pod name>` on every answer a gateway pod gives. */
export const SERVED_BY_HEADER = 'x-served-by';
export const METRICS_PATH = '/stats/prometheus';
export const READINESS_PATH = '/healthz/ready';
const DEFAULT_METRICS_PORT = 15020;
// Envoy keeps idle downstream connections for an hour; Node's 5 s default would race clients that
// reuse a pooled connection just as the server closes it.
const KEEP_ALIVE_TIMEOUT_MS = 3_600_000;

export interface GatewayIdentity {
  /** The gateway's name and its pods' `istio` label, e.g. 'ingressgateway' or 'ingressgateway-asm'. */
  name: string;
  namespace: string;
  /** Istio's source_workload: the gateway's Deployment. */
  workload: string;
  /** Istio's source_canonical_revision: the pod's version; default `latest`, as Istio without the label. */
  revision?: string;
  /** The pod's labels, which Gateway selectors match; default `{ istio: name }`. */
  labels?: Record<string, string>;
}

export interface GatewayPodOptions {
  ip: string;
  /** Container ports, each served alike (HTTP). */
  ports: number[];
  podName: string;
  gateway: GatewayIdentity;
  routing: RouteTable;
  /** Where GET /stats/prometheus and GET /healthz/ready answer, on the pod's IP; default 15020. */
  metricsPort?: number;
}

export interface GatewayPod {
  ip: string;
  podName: string;
  /** Mutable while the pod runs. */
  faults: GatewayFaults;
  /** Answers given so far, whatever their status. */
  readonly answered: number;
  /**
   * Starts draining, as the proxy does once its pod is being deleted: readiness fails and every
   * answer closes its connection, but new connections are still taken until stop.
   */
  drain(): void;
  /**
   * Stops accepting connections and closes idle ones; requests in flight finish (answered with
   * `connection: close`) until drainMs (default 0) is up, then every connection closes.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<void> {
  server.listen(port, host);
  await once(server, 'listening');
}

async function drain(server: Server, drainMs: number): Promise<void> {
  // close() stops listening and, since Node 19, closes the idle keep-alive connections too.
  const closed = new Promise((resolve) => server.close(resolve));
  const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
  await closed;
  clearTimeout(deadline);
}

function body(status: number, stamp: string, route: Route | undefined): string {
  if (status === 503) return 'fault filter abort';
  return route ? `${stamp} via ${route.virtualService}\n` : '';
}

export async function startGatewayPod(options: GatewayPodOptions): Promise<GatewayPod> {
  const { ip, podName, gateway, routing } = options;
  const labels = gateway.labels ?? { istio: gateway.name };
  const stamp = `${gateway.name}/${podName}`;
  const faults: GatewayFaults = { errorRatio: 0, addedLatencyMs: 0, neverReady: false };
  const failNext = errorDrawer(faults);
  const stats = createIstioStats({
    workload: gateway.workload,
    namespace: gateway.namespace,
    revision: gateway.revision ?? 'latest',
  });
  const stopped = new AbortController();
  let draining = false;
  let answered = 0;

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    request.resume();
    const route = routing.lookup(labels, request.headers.host ?? '', request.url ?? '/');
    const status = !route ? 404 : failNext() ? 503 : 200;
    if (faults.addedLatencyMs > 0) await sleep(faults.addedLatencyMs, undefined, { signal: stopped.signal });
    if (draining) response.setHeader('connection', 'close');
    response
      .writeHead(status, { 'content-type': 'text/plain', server: 'istio-envoy', [SERVED_BY_HEADER]: stamp })
      .end(body(status, stamp, route));
    answered++;
    stats.record({ status, destinationService: route?.destinationService, durationMs: performance.now() - started });
  }

  const traffic = options.ports.map(() =>
    createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, (request, response) => {
      // Only a stop past its drain time cuts an answer short.
      answer(request, response).catch(() => response.destroy());
    }),
  );
  const metrics = createServer((request, response) => {
    if (request.method === 'GET' && request.url === READINESS_PATH) {
      response.writeHead(draining || faults.neverReady ? 503 : 200).end();
      return;
    }
    if (request.method !== 'GET' || request.url !== METRICS_PATH) {
      response.writeHead(404).end();
      return;
    }
    stats.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': stats.registry.contentType }).end(text),
      (error: Error) => response.writeHead(500).end(error.message),
    );
  });

  const closeAll = async () => {
    const listening = [...traffic, metrics].filter((server) => server.listening);
    await Promise.all(listening.map((server) => drain(server, 0)));
  };
  try {
    for (const [index, port] of options.ports.entries()) await listen(traffic[index] as Server, port, ip);
    await listen(metrics, options.metricsPort ?? DEFAULT_METRICS_PORT, ip);
  } catch (error) {
    await closeAll();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    ip,
    podName,
    faults,
    get answered() {
      return answered;
    },
    drain() {
      draining = true;
    },
    stop({ drainMs = 0 } = {}) {
      draining = true;
      stopping ??= (async () => {
        await Promise.all(traffic.map((server) => drain(server, drainMs)));
        stopped.abort();
        await drain(metrics, 0);
      })();
      return stopping;
    },
  };
}
