// Starts the Java time-skipping test server with a client connection whose keep-alive pings that
// server accepts.
//
// Why: the test server (grpc-java) allows a client ping at most every 5 minutes, while the SDK's client
// connection pings every 30 s. After about 90 s without a frame from the server (a long `sleep` or
// `result()` call is enough) the server closes the connection for "excess pings", killing the calls in
// flight. A killed `unlockTimeSkippingWithSleep` is retried by the client and leaves the server skipping
// time while an activity runs: the activity times out, is retried for real minutes later, and a test
// that took a second takes minutes. Seen here: an env.sleep(10h) begun while a 150 s activity ran
// skipped the 10 h at once after the "excess pings" close and timed the activity out.
//
// The server is started here, not by the SDK: the SDK gives a JVM 5 s to listen, and on this 2-core
// machine under load (six test files starting their servers at once) it took longer, failing every file.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
// A CommonJS module: its namespace is its default export under Node's own ESM loader (tsx, the bench).
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTestServer } from '../../scripts/tools/test-server.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/api/names.js';
import { freePort } from '../../src/ports.js';

const KEEPALIVE_THE_TEST_SERVER_ACCEPTS = {
  'grpc.keepalive_time_ms': 6 * 60_000,
  // grpc-java refuses pings without calls in flight more often than every 2 hours.
  'grpc.keepalive_permit_without_calls': 0,
};

interface CreateOptions {
  server: { type: 'existing' };
  address: string;
  supportsTimeSkipping: true;
  connectionOptions: { channelArgs: Record<string, number> };
}

/**
 * `createTimeSkipping` offers no connection options; `create`, which it calls, does. It is private in
 * the typings of the pinned SDK (1.24.0), hence the narrow cast, checked at run time.
 */
function createEnvironment(options: CreateOptions): Promise<TestWorkflowEnvironment> {
  const { create } = TestWorkflowEnvironment as unknown as {
    create?: (options: CreateOptions) => Promise<TestWorkflowEnvironment>;
  };
  if (typeof create !== 'function')
    throw new Error('TestWorkflowEnvironment.create is gone: revisit test/support/time-skipping.ts for this SDK');
  return create.call(TestWorkflowEnvironment, options);
}

const INDEXED = proto.temporal.api.enums.v1.IndexedValueType;
const TYPES: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  Keyword: INDEXED.INDEXED_VALUE_TYPE_KEYWORD,
  Int: INDEXED.INDEXED_VALUE_TYPE_INT,
  KeywordList: INDEXED.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** How long a JVM may take to listen: it starts in about a second on an idle machine. */
const LISTEN_WITHIN_MS = 60_000;

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function untilListening(server: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + LISTEN_WITHIN_MS;
  while (!(await accepts(port))) {
    if (server.exitCode !== null || server.signalCode !== null)
      throw new Error(`the Temporal test server exited before listening on ${port}: ${output()}`);
    if (Date.now() > deadline)
      throw new Error(`the Temporal test server did not listen on ${port} within ${LISTEN_WITHIN_MS} ms: ${output()}`);
    await delay(100);
  }
}

export interface TimeSkippingServer {
  env: TestWorkflowEnvironment;
  /** Closes the connections and stops the server. */
  teardown(): Promise<void>;
}

/** The time-skipping server with gateshift's search attributes registered (it has none of its own). */
export async function startTestServer(): Promise<TimeSkippingServer> {
  const path = findTestServer();
  if (!path) throw new Error('the Temporal test server is not installed: run `npm run setup`');
  const port = await freePort();
  // The launcher execs the JVM, so a signal to this child reaches the server itself.
  const server = spawn(path, [String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill('SIGKILL');
    await once(server, 'exit');
  };
  try {
    await untilListening(server, port, () => stderr.trim() || '(no output)');
    const env = await createEnvironment({
      server: { type: 'existing' },
      address: `127.0.0.1:${port}`,
      supportsTimeSkipping: true,
      connectionOptions: { channelArgs: KEEPALIVE_THE_TEST_SERVER_ACCEPTS },
    });
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => [name, TYPES[type] as number]),
      ),
    });
    return {
      env,
      async teardown() {
        await env.teardown();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
