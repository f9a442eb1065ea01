// Steady open-loop HTTP traffic through the CLB proxies: requests leave on a fixed schedule whatever
// the answers do, up to a cap of requests in flight per target, and every outcome is recorded by the
// second the request was sent in. A share of the requests may go over long-lived keep-alive
// connections, which stay on the gateway the CLB chose when they opened until they reach their age.
import { request as httpRequest } from 'node:http';
import { SERVED_BY_HEADER } from '../gateway/pod.js';
import { BudgetAgent } from './budget-agent.js';
import { type LoadRecord, type Outcome, Recorder } from './record.js';

const TICK_MS = 5;
const DEFAULT_MAX_SOCKETS = 128;
const DEFAULT_TIMEOUT_MS = 5000;

export interface LoadTarget {
  /** http://127.0.0.1:<proxy port>/path */
  url: string;
  /** Sent as the Host header. */
  host: string;
}

export interface LoadOptions {
  targets: LoadTarget[];
  /** Requests per second over all targets, sent to them in turn. */
  rps: number;
  /** Connections, and so requests in flight, per target; default 128. A due request beyond it is skipped. */
  maxSockets?: number;
  /**
   * Requests per connection; default 1: every request on its own connection (`connection: close`),
   * so that the share of requests each gateway serves follows the CLB's weights second by second.
   */
  keepAliveRequests?: number;
  /** Per request, until the whole answer arrived; default 5 s. */
  timeoutMs?: number;
  /** Long-lived keep-alive connections (as browsers and HTTP client pools keep); default none. */
  longLived?: LongLivedOptions;
}

export interface LongLivedOptions {
  /** Share (0..1) of the requests sent over them. */
  share: number;
  /** Such connections per target, used in turn; default 4. */
  connections?: number;
  /**
   * The oldest a connection gets (a client's max connection age): the n connections close after their
   * request at 1/n, 2/n, … of it, as a pool's connections opened at different times do, so they never
   * all reopen at once.
   */
  maxAgeMs: number;
}

export interface Load {
  /** The record so far; requests still in flight are not in it yet. */
  snapshot(): LoadRecord;
  /** Sends the requests still due, then no more; waits for those in flight and returns the record. */
  stop(): Promise<LoadRecord>;
}

interface Lane {
  url: URL;
  headers: Record<string, string>;
  agent: BudgetAgent;
  /** One agent of a single connection each, so every long-lived connection carries its part. */
  longLived: BudgetAgent[];
  inFlight: number;
  /** Requests sent, and of them over long-lived connections. */
  sent: number;
  sentLongLived: number;
}

function send(lane: Lane, agent: BudgetAgent, timeoutMs: number): Promise<Outcome> {
  const longLived = agent !== lane.agent;
  const headers = longLived ? { ...lane.headers, connection: 'keep-alive' } : lane.headers;
  return new Promise((resolve) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const failed = (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'transport', cause: signal.aborted ? 'timeout' : (error.code ?? error.message) });
    const request = httpRequest(lane.url, { agent, headers, signal });
    request.on('error', failed);
    request.on('response', (response) => {
      const servedBy = response.headers[SERVED_BY_HEADER];
      const gateway = typeof servedBy === 'string' ? (servedBy.split('/')[0] ?? servedBy) : 'none';
      response.on('error', failed);
      response.on('end', () => resolve({ kind: 'answer', gateway, status: response.statusCode ?? 0, longLived }));
      response.resume();
    });
    request.end();
  });
}

export function startLoad(options: LoadOptions): Load {
  if (options.targets.length === 0) throw new Error('startLoad needs at least one target');
  if (!(options.rps > 0)) throw new Error(`startLoad needs a positive rps, not ${options.rps}`);
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  const budget = Math.max(1, options.keepAliveRequests ?? 1);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const longLived = options.longLived;
  const longLivedCount = longLived ? (longLived.connections ?? 4) : 0;
  const lanes: Lane[] = options.targets.map((target) => ({
    url: new URL(target.url),
    headers: {
      host: target.host,
      'user-agent': 'gateshift-lab-load',
      // The server then closes first, so TIME_WAIT stays on its side and off the client's port range.
      ...(budget === 1 && { connection: 'close' }),
    },
    agent: new BudgetAgent(budget, { maxSockets }),
    longLived: Array.from({ length: longLivedCount }, (_, i) => {
      const maxAgeMs = ((longLived?.maxAgeMs ?? 0) * (i + 1)) / longLivedCount;
      return new BudgetAgent(Number.POSITIVE_INFINITY, { maxSockets: 1 }, maxAgeMs);
    }),
    inFlight: 0,
    sent: 0,
    sentLongLived: 0,
  }));
  /** A lane's request `n` goes over a long-lived connection when it carries the running share past a whole one. */
  const onLongLived = (n: number) =>
    longLived !== undefined && Math.floor((n + 1) * longLived.share) > Math.floor(n * longLived.share);
  const recorder = new Recorder(Date.now());
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  let sent = 0;

  const tick = () => {
    const due = Math.floor(((performance.now() - started) * options.rps) / 1000);
    for (; sent < due; sent++) {
      const lane = lanes[sent % lanes.length] as Lane;
      const second = Math.floor(Date.now() / 1000);
      if (lane.inFlight >= maxSockets) {
        recorder.add(second, { kind: 'skipped' });
        continue;
      }
      lane.inFlight++;
      const agent = onLongLived(lane.sent++) ? lane.longLived[lane.sentLongLived++ % lane.longLived.length] : undefined;
      const done = send(lane, agent ?? lane.agent, timeoutMs).then((outcome) => {
        recorder.add(second, outcome);
        lane.inFlight--;
        pending.delete(done);
      });
      pending.add(done);
    }
  };
  const timer = setInterval(tick, TICK_MS);

  let stopping: Promise<LoadRecord> | undefined;
  return {
    snapshot: () => recorder.record(),
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        tick();
        await Promise.all(pending);
        for (const lane of lanes) for (const agent of [lane.agent, ...lane.longLived]) agent.destroy();
        recorder.stop(Date.now());
        return recorder.record();
      })();
      return stopping;
    },
  };
}
