// The Temporal CLI's dev server as a child process, with gateshift's search attributes registered.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/api/names.js';
import { freePort } from '../../src/ports.js';
import { ensureTemporalCli } from './temporal-cli.js';

export { freePort };

export interface DevServerOptions {
  port?: number;
  /** `false` runs the server headless; undefined picks a free port. */
  uiPort?: number | false;
  /** SQLite file that keeps history across restarts; in memory when absent. */
  dbFile?: string;
  namespace?: string;
  /** Do not forward the server's output to stderr. */
  quiet?: boolean;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const KILL_AFTER_MS = 10_000;

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const cli = await ensureTemporalCli();
  const port = opts.port ?? (await freePort(HOST));
  const uiPort = opts.uiPort === false ? undefined : (opts.uiPort ?? (await freePort(HOST)));
  const namespace = opts.namespace ?? 'default';
  const address = `${HOST}:${port}`;
  if (opts.dbFile) mkdirSync(dirname(opts.dbFile), { recursive: true });

  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port), '--namespace', namespace];
  args.push(...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  args.push('--log-level', 'warn');
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  args.push('--dynamic-config-value', 'frontend.workerVersioningWorkflowAPIs=true');
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) args.push('--search-attribute', `${name}=${type}`);

  // Own process group: a Ctrl-C in the terminal must not reach the server before the worker has stopped.
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let tail = '';
  // Silenced once stopping: the server's shutdown warnings are noise.
  let forward = !opts.quiet;
  const collect = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
    if (forward) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // A binary that could not be spawned emits 'error' and never 'exit'.
    child.once('error', () => child.pid === undefined && resolve());
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const running = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null;

  const stop = async () => {
    if (!running()) return;
    forward = false;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    const spawned = new Promise<never>((_, reject) => {
      child.once('error', reject);
      void exited.then(() =>
        reject(
          new Error(`temporal dev server exited early (code ${child.exitCode}, signal ${child.signalCode})\n${tail}`),
        ),
      );
    });
    await Promise.race([waitUntilServing(address, namespace), spawned]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    namespace,
    uiUrl: uiPort === undefined ? undefined : `http://${HOST}:${uiPort}`,
    process: child,
    stop,
  };
}

async function waitUntilServing(address: string, namespace: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (error) {
      lastError = error;
      await sleep(250);
    } finally {
      await connection?.close();
    }
  }
  throw new Error(`temporal dev server at ${address} did not answer within ${READY_TIMEOUT_MS / 1000} s: ${lastError}`);
}
