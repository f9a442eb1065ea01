// The SLB API emulator: an HTTP server on loopback that answers the subset of the SLB API (2014-05-15)
// gateshift and the lab's CCM use, verifying ACS3 signatures and injecting faults on request.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SlbApiError } from './errors.js';
import { drawFault, noFaults, type SlbFaults } from './faults.js';
import { Params } from './params.js';
import * as read from './read-actions.js';
import { NonceCache, verifySignature } from './signature.js';
import { SlbState } from './state.js';
import * as write from './write-actions.js';

const VERSION = '2014-05-15';
const MAX_BODY_BYTES = 1 << 20;

type Action = (state: SlbState, params: Params) => Record<string, unknown>;

const ACTIONS: Record<string, Action> = {
  DescribeLoadBalancerAttribute: read.describeLoadBalancerAttribute,
  DescribeLoadBalancers: read.describeLoadBalancers,
  ListTagResources: read.listTagResources,
  DescribeTags: read.describeTags,
  DescribeVServerGroups: read.describeVServerGroups,
  DescribeVServerGroupAttribute: read.describeVServerGroupAttribute,
  DescribeHealthStatus: read.describeHealthStatus,
  SetVServerGroupAttribute: write.setVServerGroupAttribute,
  AddVServerGroupBackendServers: write.addVServerGroupBackendServers,
  RemoveVServerGroupBackendServers: write.removeVServerGroupBackendServers,
  ModifyVServerGroupBackendServers: write.modifyVServerGroupBackendServers,
  SetLoadBalancerModificationProtection: write.setLoadBalancerModificationProtection,
  TagResources: write.tagResources,
  UntagResources: write.untagResources,
};

export interface SlbEmulatorOptions {
  /** AccessKey id → secret of the callers the emulator knows. */
  accessKeys: Record<string, string>;
  port?: number;
  state?: SlbState;
  /** Source of the fault draws; pass a seeded generator for repeatable runs. */
  random?: () => number;
}

/** One answered request, for tests that count retries. */
export interface SlbRequestRecord {
  action: string;
  status: number;
  code?: string;
}

export interface SlbEmulator {
  /** `127.0.0.1:PORT`: the SDK's `endpoint` (with protocol http). */
  endpoint: string;
  state: SlbState;
  faults: SlbFaults;
  requests: SlbRequestRecord[];
  stop(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SlbApiError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

function errorBody(error: SlbApiError, requestId: string, host = 'slb.aliyuncs.com') {
  return {
    RequestId: requestId,
    HostId: host,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${error.code}&product=Slb&requestId=${requestId}`,
    ...(error.accessDeniedDetail && { AccessDeniedDetail: error.accessDeniedDetail }),
  };
}

export async function startSlbEmulator(options: SlbEmulatorOptions): Promise<SlbEmulator> {
  const state = options.state ?? new SlbState();
  const faults = noFaults();
  const requests: SlbRequestRecord[] = [];
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
    if (request.headers['x-acs-version'] !== VERSION)
      throw new SlbApiError(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    const action = ACTIONS[name];
    if (!action)
      throw new SlbApiError(
        404,
        'InvalidAction.NotFound',
        'Specified api is not found, please check your url and method.',
      );
    const fault = drawFault(faults, name, random);
    if (fault) throw fault;
    const form = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
      ? Object.fromEntries(new URLSearchParams(body.toString('utf8')))
      : {};
    return action(state, new Params({ ...query, ...form }));
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
          error instanceof SlbApiError
            ? error
            : new SlbApiError(500, 'InternalError', `The emulator failed: ${(error as Error).message}`);
        requests.push({ action, status: apiError.status, code: apiError.code });
        const headers: Record<string, string> = { 'x-acs-request-id': requestId };
        if (apiError.retryAfterMs !== undefined) headers['x-acs-retry-after'] = String(apiError.retryAfterMs);
        send(response, apiError.status, errorBody(apiError, requestId, request.headers.host), headers);
      },
    );
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    state,
    faults,
    requests,
    stop: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}
