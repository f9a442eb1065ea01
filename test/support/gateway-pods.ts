// Gateway pods for probe tests: one HTTP and one HTTPS server per loopback IP (Linux routes all of
// 127/8 locally), answering by Host header like an Istio gateway: unknown hosts get 404.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

/** A status to answer with, or 'hang': accept the request and never answer. */
export type Answer = number | 'hang';

export interface PodSpec {
  ip: string;
  routes: Record<string, Answer>;
}

export interface GatewayPods {
  httpPort: number;
  httpsPort: number;
  /** The SNI names HTTPS clients sent, in order. */
  serverNames: string[];
  stop(): Promise<void>;
}

export interface TlsPair {
  cert: string;
  key: string;
}

/** A self-signed certificate for `hosts`, from the openssl CLI. */
export function selfSignedCertificate(hosts: string[]): TlsPair {
  const dir = mkdtempSync(join(tmpdir(), 'gateshift-probe-tls-'));
  try {
    const [key, cert] = [join(dir, 'tls.key'), join(dir, 'tls.crt')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${hosts[0]}`,
        '-addext',
        `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}`,
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every pod listens on the same two ports, as the pods of one gateway do. */
export async function startGatewayPods(pods: PodSpec[], tls: TlsPair): Promise<GatewayPods> {
  const serverNames: string[] = [];
  const servers: Server[] = [];
  const stop = async () => {
    await Promise.all(
      servers.map((server) => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      }),
    );
  };
  try {
    let httpPort = 0;
    let httpsPort = 0;
    for (const pod of pods) {
      const answer = answerFrom(pod.routes);
      const http = createHttpServer(answer);
      const https = createHttpsServer(tls, (request, response) => {
        serverNames.push(String((request.socket as TLSSocket).servername));
        answer(request, response);
      });
      servers.push(http, https);
      httpPort = await listen(http, pod.ip, httpPort);
      httpsPort = await listen(https, pod.ip, httpsPort);
    }
    return { httpPort, httpsPort, serverNames, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function answerFrom(routes: Record<string, Answer>): RequestListener {
  return (request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    const answer = routes[host] ?? 404;
    if (answer !== 'hang') response.writeHead(answer).end();
  };
}

async function listen(server: Server, ip: string, port: number): Promise<number> {
  server.listen(port, ip);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error))]);
  return (server.address() as AddressInfo).port;
}
