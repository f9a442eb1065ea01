// Notifications, the side-effect half: resolves the named targets to the webhook URLs the worker holds
// (GATESHIFT_WEBHOOK_<NAME>, DingTalk signing secret GATESHIFT_WEBHOOK_<NAME>_SECRET), formats the
// message per target and POSTs it with an idempotency key and a short timeout, retrying what can pass
// on a second try. A receiver's failure is reported per target, never thrown: a chat outage must not
// fail or hold a migration. The URL, its token and the secret never appear in a log or a result.
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { buildNotifyMessage, type NotifyEvent } from '../../src/notify/message.js';
import {
  defaultNotifyConfig,
  type NotifyConfig,
  type NotifyFormat,
  targetsFor,
  webhookEnvVar,
  webhookSecretEnvVar,
} from '../../src/notify/schema.js';
import type { NotifyRequest, NotifyResult, NotifyTargetResult } from '../contracts.js';
import { renderPayload } from './payloads.js';

export interface NotifyOptions {
  env?: NodeJS.ProcessEnv;
  /** Per HTTP attempt. Default 5 s. */
  timeoutMs?: number;
  /** HTTP attempts per target for a failure a retry may cure (network, timeout, 408, 429, 5xx). Default 3. */
  attempts?: number;
  /** First pause between attempts, doubled each time. Default 1 s. */
  backoffMs?: number;
}

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export function idempotencyKey(event: NotifyEvent, seq: number): string {
  return `${event.migrationId}/${event.event}/${seq}`;
}

/** DingTalk's signature: base64(HMAC-SHA256(key = secret, data = `${timestamp}\n${secret}`)). */
export function dingtalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

interface Attempt {
  ok: boolean;
  retry: boolean;
  status?: number;
  error?: string;
}

/** The activity the workflow calls; `createNotifyActivities` binds it to an environment. */
export function createNotifyActivities(options: NotifyOptions = {}) {
  return { notify: (request: NotifyRequest) => notify(request, options) };
}

export async function notify(request: NotifyRequest, options: NotifyOptions = {}): Promise<NotifyResult> {
  const env = options.env ?? process.env;
  const context = activityContext();
  const key = idempotencyKey(request.event, request.seq);
  let config: NotifyConfig;
  try {
    config = request.config ?? defaultNotifyConfig(env);
  } catch (error) {
    // A worker misconfiguration: reported in the result and the log, never a failed migration.
    const problem = error instanceof Error ? error.message : String(error);
    context?.log.warn(`notifications not sent: ${problem}`, { idempotencyKey: key });
    return { idempotencyKey: key, targets: [], error: problem };
  }
  const event: NotifyEvent = {
    ...request.event,
    webUiUrl: request.event.webUiUrl ?? (env.GATESHIFT_WEB_UI_URL || undefined),
  };
  const message = buildNotifyMessage(event);
  const targets: NotifyTargetResult[] = [];
  for (const target of targetsFor(config, event.event)) {
    const variable = webhookEnvVar(target.name);
    const url = env[variable];
    if (!url) {
      targets.push({
        target: target.name,
        format: target.format,
        ok: false,
        attempts: 0,
        error: `no webhook configured: set ${variable} on the worker`,
      });
      continue;
    }
    const secret = env[webhookSecretEnvVar(target.name)] || undefined;
    const body = JSON.stringify(renderPayload(target.format, message, event, key));
    const result = await deliver(url, secret, target.format, body, key, options, context);
    targets.push({ target: target.name, format: target.format, ...result });
    context?.log.info(result.ok ? 'notification sent' : `notification failed: ${result.error}`, {
      target: target.name,
      format: target.format,
      ok: result.ok,
      status: result.status,
      idempotencyKey: key,
    });
  }
  return { idempotencyKey: key, targets };
}

async function deliver(
  url: string,
  secret: string | undefined,
  format: NotifyFormat,
  body: string,
  key: string,
  options: NotifyOptions,
  context: Context | undefined,
): Promise<Omit<NotifyTargetResult, 'target' | 'format'>> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const redact = redactor(url, secret);
  let last: Attempt = { ok: false, retry: false };
  let made = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    made = attempt;
    last = await post(signedUrl(url, secret, format), body, key, format, options.timeoutMs ?? 5_000, redact);
    if (last.ok || !last.retry || attempt === attempts) break;
    context?.heartbeat({ attempt });
    const pause = (options.backoffMs ?? 1_000) * 2 ** (attempt - 1);
    await (context ? context.sleep(pause) : sleep(pause));
  }
  return {
    ok: last.ok,
    attempts: made,
    ...(last.status === undefined ? {} : { status: last.status }),
    ...(last.error === undefined ? {} : { error: last.error }),
  };
}

/** DingTalk with a secret: `timestamp` (ms) and `sign` query parameters, computed anew for each attempt. */
function signedUrl(url: string, secret: string | undefined, format: NotifyFormat): string {
  if (!secret || format !== 'dingtalk') return url;
  const signed = new URL(url);
  const timestamp = Date.now();
  signed.searchParams.set('timestamp', String(timestamp));
  signed.searchParams.set('sign', dingtalkSign(secret, timestamp));
  return signed.toString();
}

async function post(
  url: string,
  body: string,
  key: string,
  format: NotifyFormat,
  timeoutMs: number,
  redact: (text: string) => string,
): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        [IDEMPOTENCY_HEADER]: key,
        'user-agent': 'gateshift',
      },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { ok: false, retry: true, error: networkError(error, timeoutMs) };
  }
  const text = await response.text().catch(() => '');
  const said = redact(text.slice(0, 300)).trim();
  if (!response.ok) {
    const retry = response.status === 408 || response.status === 429 || response.status >= 500;
    return { ok: false, retry, status: response.status, error: `HTTP ${response.status}${said ? `: ${said}` : ''}` };
  }
  if (format === 'dingtalk') {
    // DingTalk answers 200 with an errcode: 0 is sent; 130101 is "sending too fast, retry later".
    const answer = parseJson(text) as { errcode?: number; errmsg?: string } | undefined;
    if (answer?.errcode !== undefined && answer.errcode !== 0) {
      return {
        ok: false,
        retry: answer.errcode === 130101,
        status: response.status,
        error: `DingTalk errcode ${answer.errcode}: ${redact(String(answer.errmsg ?? '')).slice(0, 200)}`,
      };
    }
  }
  return { ok: true, retry: false, status: response.status };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What went wrong on the way, by error code only: fetch's own messages quote the address. */
function networkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code ? `connection failed (${code})` : 'connection failed';
}

/** Replaces the URL, its path segments and query values, and the secret wherever a receiver echoes them. */
function redactor(url: string, secret: string | undefined): (text: string) => string {
  const hidden = new Set<string>([url]);
  if (secret) hidden.add(secret);
  try {
    const parsed = new URL(url);
    for (const value of parsed.searchParams.values()) if (value.length >= 6) hidden.add(value);
    for (const segment of parsed.pathname.split('/')) if (segment.length >= 8) hidden.add(segment);
  } catch {
    // Not a URL: fetch fails on it and nothing is echoed.
  }
  const sorted = [...hidden].sort((a, b) => b.length - a.length);
  return (text) => sorted.reduce((out, value) => out.replaceAll(value, '***'), text);
}

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
