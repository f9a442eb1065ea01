// The notify activity against a local HTTP receiver on 127.0.0.1 that plays a DingTalk robot (checks
// the access token and the signature, answers errcode), a Slack incoming webhook and a generic JSON
// endpoint: one message per event type arrives, with its idempotency key; retries cure a 503; a dead
// receiver fails only its own target; no URL, token or secret appears in any result.
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotifyRequest } from '../../activities/contracts.js';
import { createNotifyActivities, IDEMPOTENCY_HEADER } from '../../activities/notify/index.js';
import { NOTIFY_EVENTS, type NotifyConfig, type NotifyEvent } from '../../src/notify/index.js';
import { freePort } from '../../src/ports.js';

const TOKEN = 'dt0ken4f1b9c7e2a';
const SECRET = 'SECd1e2f3a4b5c6d7e8f9';
const SLACK_PATH = '/services/T0001/B0002/XXXXslacksecretXXXX';

interface Received {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

let server: Server;
let base: string;
let received: Received[] = [];
/** Status codes to answer before the next successful answer, per path prefix. */
let failNext: Record<string, number[]> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const prefix = `/${url.pathname.split('/')[1]}`;
      const forced = failNext[prefix]?.shift();
      if (forced) {
        res.writeHead(forced, { 'content-type': 'text/plain' }).end(`upstream busy at ${req.url}`);
        return;
      }
      received.push({
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      if (url.pathname === '/robot/send') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(dingtalkAnswer(url.searchParams)));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  failNext = {};
});

/** What DingTalk checks: the token, and with signing on, a fresh timestamp and its HMAC. */
function dingtalkAnswer(query: URLSearchParams): { errcode: number; errmsg: string } {
  if (query.get('access_token') !== TOKEN) return { errcode: 300001, errmsg: 'token is not exist' };
  const timestamp = Number(query.get('timestamp'));
  if (!Number.isFinite(timestamp) || Math.abs(Date.now() - timestamp) > 3_600_000) {
    return { errcode: 310000, errmsg: 'invalid timestamp' };
  }
  const expected = createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64');
  if (query.get('sign') !== expected) return { errcode: 310000, errmsg: `sign not match, token ${TOKEN}` };
  return { errcode: 0, errmsg: 'ok' };
}

function environment(): NodeJS.ProcessEnv {
  return {
    GATESHIFT_WEBHOOK_OPS: `${base}/robot/send?access_token=${TOKEN}`,
    GATESHIFT_WEBHOOK_OPS_SECRET: SECRET,
    GATESHIFT_WEBHOOK_TEAM: `${base}${SLACK_PATH}`,
    GATESHIFT_WEBHOOK_AUDIT: `${base}/audit/events`,
    GATESHIFT_WEB_UI_URL: 'http://temporal-ui.example:8080',
  };
}

const CONFIG: NotifyConfig = {
  targets: [
    { name: 'ops', format: 'dingtalk' },
    { name: 'team', format: 'slack' },
    { name: 'audit', format: 'json' },
  ],
};

/** `'defaults'`: no notify section, so the worker's defaults apply. */
function request(event: NotifyEvent['event'], seq: number, config: NotifyConfig | 'defaults' = CONFIG): NotifyRequest {
  return {
    seq,
    config: config === 'defaults' ? undefined : config,
    event: {
      event,
      migrationId: 'bookinfo-to-asm',
      stepOrPhaseLabel: 'phase 2 (50/50)',
      waitingFor: event === 'waiting-approval' ? 'phase 2 (50/50)' : undefined,
      reason: event === 'breach' || event === 'rollback' || event === 'failed' ? 'target 5xx ratio 0.3' : undefined,
      weights: { source: 50, target: 50 },
      namespace: 'default',
      taskQueue: 'gateshift',
      at: '2026-11-30T01:00:00.000Z',
    },
  };
}

/** Every secret part of the environment, which must never come back. */
function secrets(): string[] {
  return [TOKEN, SECRET, SLACK_PATH, 'XXXXslacksecretXXXX', base];
}

describe('the notify activity', () => {
  it('delivers one message per event type to each target, signed and keyed, and returns no URL or secret', async () => {
    const { notify } = createNotifyActivities({ env: environment(), backoffMs: 10 });
    const results = [];
    for (const [seq, event] of NOTIFY_EVENTS.entries()) results.push(await notify(request(event, seq)));

    for (const result of results) {
      expect(result.targets).toEqual([
        { target: 'ops', format: 'dingtalk', ok: true, attempts: 1, status: 200 },
        { target: 'team', format: 'slack', ok: true, attempts: 1, status: 200 },
        { target: 'audit', format: 'json', ok: true, attempts: 1, status: 200 },
      ]);
      const text = JSON.stringify(result);
      for (const secret of secrets()) expect(text).not.toContain(secret);
    }

    // One message per event type at each receiver, in order, each with its idempotency key.
    const keys = NOTIFY_EVENTS.map((event, seq) => `bookinfo-to-asm/${event}/${seq}`);
    const dingtalk = received.filter((r) => r.path === '/robot/send');
    const slack = received.filter((r) => r.path === SLACK_PATH);
    const json = received.filter((r) => r.path === '/audit/events');
    for (const arrivals of [dingtalk, slack, json]) {
      expect(arrivals.map((r) => r.headers[IDEMPOTENCY_HEADER.toLowerCase()])).toEqual(keys);
      expect(arrivals.map((r) => r.headers['content-type'])).toEqual(keys.map(() => 'application/json; charset=utf-8'));
    }
    expect(received).toHaveLength(3 * NOTIFY_EVENTS.length);

    // DingTalk: markdown, with the token kept and the signature the receiver verified.
    for (const arrival of dingtalk) {
      expect(arrival.query.get('access_token')).toBe(TOKEN);
      expect(arrival.query.get('sign')).toBeTruthy();
      expect(arrival.body.msgtype).toBe('markdown');
    }
    const approval = dingtalk[0]?.body.markdown as { title: string; text: string };
    expect(approval.title).toBe('gateshift: bookinfo-to-asm waits for approval');
    expect(approval.text).toContain('`gateshift approve bookinfo-to-asm`');
    expect(approval.text).toContain('`npm run gateshift -- approve bookinfo-to-asm`');
    expect(approval.text).toContain(
      `\`temporal workflow signal --workflow-id bookinfo-to-asm --name approve --input '{"by":"<you>"}'\``,
    );
    expect(approval.text).toContain('(http://temporal-ui.example:8080/namespaces/default/workflows/bookinfo-to-asm)');

    expect(slack.map((r) => (r.body.text as string).split(':')[1]?.trim())).toEqual([
      'bookinfo-to-asm waits for approval',
      'bookinfo-to-asm analysis breached',
      'bookinfo-to-asm rolled back',
      'bookinfo-to-asm completed',
      'bookinfo-to-asm failed',
    ]);
    expect(json.map((r) => r.body.event)).toEqual([...NOTIFY_EVENTS]);
    expect(json.map((r) => r.body.idempotencyKey)).toEqual(keys);
  });

  it('reports a refused DingTalk signature per target without throwing, and redacts what the receiver echoes', async () => {
    const env = { ...environment(), GATESHIFT_WEBHOOK_OPS_SECRET: 'SECwrong' };
    const { notify } = createNotifyActivities({ env, backoffMs: 10 });
    const result = await notify(request('rollback', 7));
    expect(result.targets[0]).toEqual({
      target: 'ops',
      format: 'dingtalk',
      ok: false,
      attempts: 1,
      status: 200,
      error: 'DingTalk errcode 310000: sign not match, token ***',
    });
    expect(result.targets.slice(1).every((target) => target.ok)).toBe(true);
    for (const secret of [...secrets(), 'SECwrong']) expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('retries a 503 with the same idempotency key, and gives up on a 4xx at once', async () => {
    const { notify } = createNotifyActivities({ env: environment(), backoffMs: 10 });
    failNext = { '/services': [503, 503], '/audit': [400] };
    const result = await notify(request('breach', 2));
    expect(result.targets).toEqual([
      { target: 'ops', format: 'dingtalk', ok: true, attempts: 1, status: 200 },
      { target: 'team', format: 'slack', ok: true, attempts: 3, status: 200 },
      {
        target: 'audit',
        format: 'json',
        ok: false,
        attempts: 1,
        status: 400,
        error: 'HTTP 400: upstream busy at /audit/events',
      },
    ]);
    expect(received.filter((r) => r.path === SLACK_PATH).map((r) => r.headers['idempotency-key'])).toEqual([
      'bookinfo-to-asm/breach/2',
    ]);
    // A receiver that echoes the request path gets its secret part redacted.
    failNext = { '/services': [400] };
    const echoed = await notify(request('breach', 3));
    expect(echoed.targets[1]).toEqual({
      target: 'team',
      format: 'slack',
      ok: false,
      attempts: 1,
      status: 400,
      error: 'HTTP 400: upstream busy at /***/T0001/B0002/***',
    });
  });

  it('fails only the target whose receiver is gone or silent, within the timeout', async () => {
    const dead = await freePort();
    const silent = createServer(() => {
      // Never answers.
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const env = {
        ...environment(),
        GATESHIFT_WEBHOOK_TEAM: `http://127.0.0.1:${dead}/services/T/B/deadsecret123`,
        GATESHIFT_WEBHOOK_AUDIT: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/audit/silentsecret1`,
      };
      const { notify } = createNotifyActivities({ env, backoffMs: 10, timeoutMs: 300, attempts: 2 });
      const started = Date.now();
      const result = await notify(request('failed', 4));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.targets).toEqual([
        { target: 'ops', format: 'dingtalk', ok: true, attempts: 1, status: 200 },
        { target: 'team', format: 'slack', ok: false, attempts: 2, error: 'connection failed (ECONNREFUSED)' },
        { target: 'audit', format: 'json', ok: false, attempts: 2, error: 'no answer within 0.3 s' },
      ]);
      expect(JSON.stringify(result)).not.toMatch(/deadsecret123|silentsecret1|127\.0\.0\.1/);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("uses the worker's default targets without a notify section, and names a missing webhook variable", async () => {
    const env = {
      ...environment(),
      GATESHIFT_NOTIFY_DEFAULT_TARGETS: 'audit:json,pager:json',
      GATESHIFT_NOTIFY_DEFAULT_EVENTS: 'rollback,failed',
    };
    const { notify } = createNotifyActivities({ env, backoffMs: 10 });
    expect((await notify(request('waiting-approval', 0, 'defaults'))).targets).toEqual([]);
    const result = await notify(request('rollback', 1, 'defaults'));
    expect(result.targets).toEqual([
      { target: 'audit', format: 'json', ok: true, attempts: 1, status: 200 },
      {
        target: 'pager',
        format: 'json',
        ok: false,
        attempts: 0,
        error: 'no webhook configured: set GATESHIFT_WEBHOOK_PAGER on the worker',
      },
    ]);
    expect(received.map((r) => r.path)).toEqual(['/audit/events']);
    // An explicit empty list sends nothing, defaults included.
    expect((await notify(request('rollback', 2, { targets: [] }))).targets).toEqual([]);
    // A broken default is reported, not thrown.
    const broken = createNotifyActivities({ env: { GATESHIFT_NOTIFY_DEFAULT_TARGETS: 'ops:teams' } });
    expect(await broken.notify(request('failed', 3, 'defaults'))).toEqual({
      idempotencyKey: 'bookinfo-to-asm/failed/3',
      targets: [],
      error: expect.stringMatching(/^GATESHIFT_NOTIFY_DEFAULT_TARGETS: targets\.0\.format/),
    });
  });
});
