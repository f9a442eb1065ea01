// The worker process: connection, registration, the /metrics and /healthz endpoint, shutdown.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { type DestinationStream, type Logger, pino } from 'pino';
import { createActivities } from '../activities/index.js';
import { TASK_QUEUE } from './api/names.js';
import { temporalSettings } from './connection.js';
import { createMetrics } from './metrics.js';
import { freePort } from './ports.js';
import { SdkLogAdapter } from './sdk-log.js';

export interface StartWorkerOptions {
  /** A prebuilt bundle (tests, benchmarks); by default workflows/index.ts is bundled at start. */
  workflowBundle?: { codePath: string };
  activities?: object;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Shut down on SIGINT/SIGTERM. Off when the caller orders the shutdown itself (`npm run dev`). */
  handleSignals?: boolean;
}

export interface RunningWorker {
  /** Base URL of the endpoint serving /metrics and /healthz. */
  metricsUrl: string;
  /** Settles once the worker has stopped and the endpoint and connection are closed. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export function createLogger(env: NodeJS.ProcessEnv = process.env, destination?: DestinationStream): Logger {
  const options = {
    name: 'gateshift',
    level: env.LOG_LEVEL || 'info',
    serializers: { error: pino.stdSerializers.err },
  };
  return pino(options, destination);
}

/** Runtime.install must run once per process, before any connection or worker. */
export async function startWorker(options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const env = options.env ?? process.env;
  const log = options.logger ?? createLogger(env);
  const settings = temporalSettings(env);
  const metrics = createMetrics();

  const sdkMetricsUrl = `http://127.0.0.1:${await freePort()}/metrics`;
  Runtime.install({
    logger: new SdkLogAdapter(log.child({ component: 'temporal-sdk' })),
    telemetryOptions: { metrics: { prometheus: { bindAddress: new URL(sdkMetricsUrl).host } } },
    shutdownSignals: [],
  });

  let worker: Worker | undefined;
  const server = createServer((req, res) => {
    void serve(req, res, { worker, sdkMetricsUrl, registry: metrics.registry, log });
  });
  const host = env.GATESHIFT_METRICS_HOST || '127.0.0.1';
  server.listen(Number(env.GATESHIFT_METRICS_PORT || 9464), host);
  await once(server, 'listening');
  const metricsUrl = `http://${host}:${(server.address() as { port: number }).port}`;

  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect({
      address: settings.address,
      tls: settings.tls,
      apiKey: settings.apiKey,
    });
    worker = await Worker.create({
      connection,
      namespace: settings.namespace,
      taskQueue: TASK_QUEUE,
      ...(options.workflowBundle
        ? { workflowBundle: options.workflowBundle }
        : { workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)) }),
      activities: options.activities ?? createActivities(),
      sinks: metrics.sinks,
      // A cancel reaches a heartbeating activity within about a second.
      maxHeartbeatThrottleInterval: '1s',
      // Lets a weight write in flight finish rather than being cancelled halfway.
      shutdownGraceTime: '5s',
    });
  } catch (error) {
    await closeServer(server);
    await connection?.close();
    throw error;
  }

  const running = worker;
  const open = connection;
  const done = running.run().finally(async () => {
    await closeServer(server);
    await open.close();
    log.info('worker stopped');
  });
  const shutdown = () => {
    if (running.getState() === 'RUNNING') running.shutdown();
    return done;
  };

  if (options.handleSignals ?? true) {
    // Once only: a second signal gets Node's default behaviour and ends the process at once.
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'shutting down');
      void shutdown();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const release = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    void done.then(release, release);
  }

  log.info(
    { address: settings.address, namespace: settings.namespace, taskQueue: TASK_QUEUE, metricsUrl },
    'worker started',
  );
  return { metricsUrl, done, shutdown };
}

interface ServeContext {
  worker: Worker | undefined;
  sdkMetricsUrl: string;
  registry: ReturnType<typeof createMetrics>['registry'];
  log: Logger;
}

async function serve(req: IncomingMessage, res: ServerResponse, ctx: ServeContext): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/healthz') {
    const state = ctx.worker?.getState() ?? 'STARTING';
    res.writeHead(state === 'RUNNING' ? 200 : 503, { 'content-type': 'text/plain' }).end(`${state}\n`);
    return;
  }
  if (path !== '/metrics') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  try {
    const [sdk, own] = await Promise.all([sdkMetrics(ctx), ctx.registry.metrics()]);
    res.writeHead(200, { 'content-type': ctx.registry.contentType }).end(sdk + own);
  } catch (error) {
    ctx.log.error({ error }, 'cannot render metrics');
    res.writeHead(500, { 'content-type': 'text/plain' }).end('cannot render metrics\n');
  }
}

/** The SDK's own exporter text; empty (and a warning) when it does not answer, so ours still get scraped. */
async function sdkMetrics(ctx: ServeContext): Promise<string> {
  try {
    const response = await fetch(ctx.sdkMetricsUrl, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    return text === '' || text.endsWith('\n') ? text : `${text}\n`;
  } catch (error) {
    ctx.log.warn({ error }, 'SDK metrics exporter did not answer');
    return '';
  }
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = once(server, 'close');
  server.close();
  server.closeAllConnections();
  await closed;
}
