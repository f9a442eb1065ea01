// An ingress gateway pod of the canary-cluster lab, as its Envoy behaves: it routes by the mesh config
// it has applied, draws a destination per request by weight, forwards to the cluster's backend or, for
// a ServiceEntry host, to that entry's endpoint (the other cluster's ingress), and passes the answer
// back. Config reaches it after a propagation delay, as istiod's push does, or never (a fault): each push
// carries a nonce the pod ACKs once it applies the config, which is what the lab's istiod reports
// (debug/syncz). Its status port exports Istio's metrics. As on a real Istio, nothing on the pod IP
// shows the routes it applies.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createIstioStats } from '../gateway/metrics.js';
import { METRICS_PATH, READINESS_PATH } from '../gateway/pod.js';
import { drawDestination, MeshConfig, type WeightedDestination } from './mesh-config.js';

export interface MeshGatewayFaults {
  /** The pod keeps the config it has and ACKs no new push (STALE in `istioctl proxy-status`). */
  neverPicksUp: boolean;
}

export interface MeshGatewayOptions {
  ip: string;
  podName: string;
  workload: string;
  namespace: string;
  ports: { traffic: number; status: number };
  /** Where a mesh-internal host (qualified) is served in this cluster: its backend's address. */
  services: Record<string, { ip: string; port: number }>;
  /** From a config change to this pod applying it. */
  propagationDelayMs: number;
}

export interface MeshGateway {
  ip: string;
  podName: string;
  faults: MeshGatewayFaults;
  /** Takes `config` after the propagation delay and ACKs its push, unless the pod never picks up config. */
  push(config: MeshConfig): void;
  applied(): MeshConfig;
  /** The config last pushed to the pod, applied or not: what istiod's config_dump for it shows. */
  pushed(): MeshConfig;
  /** The nonce of the last push and of the last push the pod ACKed. */
  nonces(): { sent?: string; acked?: string };
  stop(): Promise<void>;
}

const UPSTREAM_TIMEOUT_MS = 10_000;

export async function startMeshGateway(options: MeshGatewayOptions): Promise<MeshGateway> {
  const faults: MeshGatewayFaults = { neverPicksUp: false };
  const stats = createIstioStats({ workload: options.workload, namespace: options.namespace, revision: 'latest' });
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const timers = new Set<NodeJS.Timeout>();
  let config = new MeshConfig();
  let pushed = config;
  const nonces: { sent?: string; acked?: string } = {};

  const upstream = (destination: WeightedDestination) => {
    const local = options.services[destination.host];
    if (local) return local;
    const address = config.serviceEntries.get(destination.host)?.[0];
    return address ? { ip: address, port: destination.port } : undefined;
  };

  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const route = config.lookup(request.headers.host ?? '', request.url ?? '/');
    const destination = route && drawDestination(route.destinations);
    const target = destination && upstream(destination);
    const record = (status: number) =>
      stats.record({ status, destinationService: destination?.host, durationMs: performance.now() - started });
    if (!target) {
      request.resume();
      const status = route ? 503 : 404;
      response.writeHead(status, { server: 'istio-envoy' }).end(route ? 'no healthy upstream' : '');
      record(status);
      return;
    }
    const forward = httpRequest({
      host: target.ip,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: { ...request.headers, connection: 'keep-alive' },
      agent,
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    });
    forward.on('response', (upstreamResponse) => {
      const { connection: _connection, 'keep-alive': _keepAlive, ...headers } = upstreamResponse.headers;
      response.writeHead(upstreamResponse.statusCode ?? 502, { ...headers, server: 'istio-envoy' });
      upstreamResponse.pipe(response);
      upstreamResponse.on('end', () => record(upstreamResponse.statusCode ?? 502));
    });
    forward.on('error', () => {
      if (!response.headersSent) response.writeHead(503, { server: 'istio-envoy' }).end('upstream connect error');
      else response.destroy();
      record(503);
    });
    request.pipe(forward);
  };

  const traffic = createServer({ keepAliveTimeout: 3_600_000 }, answer);
  const status = createServer((request, response) => {
    if (request.url === READINESS_PATH) response.writeHead(200).end();
    else if (request.url === METRICS_PATH)
      stats.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': stats.registry.contentType }).end(text),
        (error: Error) => response.writeHead(500).end(error.message),
      );
    else response.writeHead(404).end();
  });
  const servers: [Server, number][] = [
    [traffic, options.ports.traffic],
    [status, options.ports.status],
  ];
  for (const [server, port] of servers) {
    server.listen(port, options.ip);
    await once(server, 'listening');
  }

  return {
    ip: options.ip,
    podName: options.podName,
    faults,
    push(next) {
      const nonce = randomUUID();
      pushed = next;
      nonces.sent = nonce;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (faults.neverPicksUp) return;
        config = next;
        nonces.acked = nonce;
      }, options.propagationDelayMs);
      timers.add(timer);
    },
    applied: () => config,
    pushed: () => pushed,
    nonces: () => ({ ...nonces }),
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      agent.destroy();
      await Promise.all(
        servers.map(([server]) => {
          const closed = new Promise((resolve) => server.close(resolve));
          server.closeAllConnections();
          return closed;
        }),
      );
    },
  };
}
