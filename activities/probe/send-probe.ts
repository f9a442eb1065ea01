// One probe request: the route's Host header sent straight to a pod IP, bypassing the CLB.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { RouteProbe } from '../../src/plan/index.js';

export interface ProbeAnswer {
  status?: number;
  /** Until the response headers arrived, or until the request failed. */
  latencyMs: number;
  error?: string;
}

export function routeLabel(route: RouteProbe): string {
  return `${route.scheme}://${route.host}:${route.port}${route.path}`;
}

export function sendProbe(
  ip: string,
  route: RouteProbe,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<ProbeAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const common = {
    host: ip,
    port: route.port,
    path: route.path,
    method: 'GET',
    headers: { host: route.host, 'user-agent': 'gateshift-probe' },
    agent: false as const,
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  };
  return new Promise((resolve) => {
    const request =
      route.scheme === 'https'
        ? // SNI names the route's host so the gateway picks that host's certificate. The connection goes
          // to a pod IP, which no gateway certificate names, and the gateway may serve a private CA's
          // certificate: the probe checks routing, not the trust chain, so it verifies no certificate.
          // (TLS forbids an IP address as SNI.)
          httpsRequest({ ...common, servername: isIP(route.host) ? undefined : route.host, rejectUnauthorized: false })
        : httpRequest(common);
    request.once('response', (response) => {
      resolve({ status: response.statusCode, latencyMs: elapsed() });
      response.resume();
    });
    // `on`, not `once`: an abort after the response arrived errors again, after the answer is settled.
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : (error.code ?? error.message);
      resolve({ latencyMs: elapsed(), error: reason });
    });
    request.end();
  });
}
