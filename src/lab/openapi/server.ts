// An emulated Alibaba Cloud RPC API (the style SLB and ASM share): an HTTP server on loopback that
// takes POST / with the action in `x-acs-action` and the parameters in the query (or a form body),
// verifies ACS3 signatures, injects faults on request, and answers JSON as the real gateway does.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { OpenApiError } from './errors.js';
import { type ApiFaults, drawFault } from './faults.js';
import { Params } from './params.js';
import { NonceCache, verifySignature } from './signature.js';

const MAX_BODY_BYTES = 1 << 20;

/** Answers one action: the response body without its RequestId, or throws an OpenApiError. */
export type Action = (params: Params) => Record<string, unknown>;

/** Binds actions written against an emulator's state (`(state, params) => body`) to that state. */
export function bindActions<S>(
  state: S,
  actions: Record<string, (state: S, params: Params) => Record<string, unknown>>,
): Record<string, Action> {
  return Object.fromEntries(Object.entries(actions).map(([name, action]) => [name, (params) => action(state, params)]));
}

export interface ApiProduct {
  /** The API version every request must name in `x-acs-version`, e.g. `2014-05-15`. */
  version: string;
  /** The RAM action prefix, e.g. `slb`. */
  code: string;
  /** As the error recommendations spell it, e.g. `Slb`. */
  name: string;
  /** The service's host, the error body's HostId when a request has no Host header. */
  host: string;
}

export interface RpcServerOptions {
  product: ApiProduct;
  actions: Record<string, Action>;
  /** AccessKey id → secret of the callers the emulator knows. */
  accessKeys: Record<string, string>;
  faults: ApiFaults;
  port?: number;
  /** Source of the fault draws; pass a seeded generator for repeatable runs. */
  random?: () => number;
}

/** One answered request, for tests that count retries. */
export interface ApiRequestRecord {
  action: string;
  status: number;
  code?: string;
}

export interface RpcServer {
  /** `127.0.0.1:PORT`: the SDK's `endpoint` (with protocol http). */
  endpoint: string;
  requests: ApiRequestRecord[];
  stop(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new OpenApiError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

function errorBody(error: OpenApiError, requestId: string, product: ApiProduct, host = product.host) {
  return {
    RequestId: requestId,
    HostId: host,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${error.code}&product=${product.name}&requestId=${requestId}`,
    ...(error.accessDeniedDetail && { AccessDeniedDetail: error.accessDeniedDetail }),
  };
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { product, faults } = options;
  const requests: ApiRequestRecord[] = [];
  const nonces = new NonceCache();
  const random = options.random ?? Math.random;
  const secretOf = (id: string) => (Object.hasOwn(options.accessKeys, id) ? options.accessKeys[id] : undefined);

  async function answer(request: IncomingMessage, name: string): Promise<Record<string, unknown>> {
    const body = await readBody(request);
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const url = new URL(request.url ?? '/', 'http://emulator');
    const query = Object.fromEntries(url.searchParams);
    verifySignature(
      { method: request.method ?? 'GET', pathname: url.pathname, query, headers: request.headersDistinct, body },
      secretOf,
      nonces,
    );
    if (request.headers['x-acs-version'] !== product.version)
      throw new OpenApiError(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    const action = Object.hasOwn(options.actions, name) ? options.actions[name] : undefined;
    if (!action)
      throw new OpenApiError(
        404,
        'InvalidAction.NotFound',
        'Specified api is not found, please check your url and method.',
      );
    const fault = drawFault(faults, product.code, name, random);
    if (fault) throw fault;
    const form = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
      ? Object.fromEntries(new URLSearchParams(body.toString('utf8')))
      : {};
    return action(new Params({ ...query, ...form }));
  }

  const server = createServer((request, response) => {
    const requestId = randomUUID().toUpperCase();
    const action = String(request.headers['x-acs-action'] ?? '');
    answer(request, action).then(
      (body) => {
        requests.push({ action, status: 200 });
        send(response, 200, { RequestId: requestId, ...body }, { 'x-acs-request-id': requestId });
      },
      (error: unknown) => {
        const apiError =
          error instanceof OpenApiError
            ? error
            : new OpenApiError(500, 'InternalError', `The emulator failed: ${(error as Error).message}`);
        requests.push({ action, status: apiError.status, code: apiError.code });
        const headers: Record<string, string> = { 'x-acs-request-id': requestId };
        if (apiError.retryAfterMs !== undefined) headers['x-acs-retry-after'] = String(apiError.retryAfterMs);
        send(response, apiError.status, errorBody(apiError, requestId, product, request.headers.host), headers);
      },
    );
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    requests,
    stop: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}
