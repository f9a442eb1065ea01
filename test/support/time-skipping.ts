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
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTestServer } from '../../scripts/tools/test-server.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/api/names.js';

const KEEPALIVE_THE_TEST_SERVER_ACCEPTS = {
  'grpc.keepalive_time_ms': 6 * 60_000,
  // grpc-java refuses pings without calls in flight more often than every 2 hours.
  'grpc.keepalive_permit_without_calls': 0,
};

interface CreateOptions {
  server: { type: 'time-skipping'; executable: { type: 'existing-path'; path: string } };
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

const INDEXED = temporal.api.enums.v1.IndexedValueType;
const TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: INDEXED.INDEXED_VALUE_TYPE_KEYWORD,
  Int: INDEXED.INDEXED_VALUE_TYPE_INT,
  KeywordList: INDEXED.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** The time-skipping server with gateshift's search attributes registered (it has none of its own). */
export async function startTestServer(): Promise<TestWorkflowEnvironment> {
  const path = findTestServer();
  if (!path) throw new Error('the Temporal test server is not installed: run `npm run setup`');
  const env = await createEnvironment({
    server: { type: 'time-skipping', executable: { type: 'existing-path', path } },
    supportsTimeSkipping: true,
    connectionOptions: { channelArgs: KEEPALIVE_THE_TEST_SERVER_ACCEPTS },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => [name, TYPES[type] as number]),
    ),
  });
  return env;
}
