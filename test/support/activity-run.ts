// Runs an activity in @temporalio/testing's MockActivityEnvironment (no server), recording its
// heartbeats so a test can wait for one and then cancel the activity as a workflow would.
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';

export interface ActivityRun<R, H> {
  heartbeats: H[];
  /** Settles with the activity; never rejects (the error is the value). */
  outcome: Promise<{ result?: R; error?: unknown }>;
  /** Resolves with the first heartbeat that satisfies `ready`, or rejects after timeoutMs. */
  heartbeat(ready: (details: H) => boolean, timeoutMs: number): Promise<H>;
  cancel(): void;
}

export function runActivity<A, R, H = unknown>(
  activity: (request: A) => Promise<R>,
  request: A,
  info: Partial<Info> = {},
): ActivityRun<R, H> {
  const env = new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
  const heartbeats: H[] = [];
  env.on('heartbeat', (details: H) => heartbeats.push(details));
  const outcome = env.run<[A], R, typeof activity>(activity, request).then(
    (result): { result?: R; error?: unknown } => ({ result }),
    (error: unknown) => ({ error }),
  );
  return {
    heartbeats,
    outcome,
    cancel: () => env.cancel(),
    heartbeat(ready, timeoutMs) {
      const seen = heartbeats.find(ready);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const onHeartbeat = (details: H) => {
          if (!ready(details)) return;
          clearTimeout(timer);
          env.off('heartbeat', onHeartbeat);
          resolve(details);
        };
        const timer = setTimeout(() => {
          env.off('heartbeat', onHeartbeat);
          reject(new Error(`no matching heartbeat within ${timeoutMs} ms; got ${JSON.stringify(heartbeats.at(-1))}`));
        }, timeoutMs);
        env.on('heartbeat', onHeartbeat);
        void outcome.then(({ error }) => {
          clearTimeout(timer);
          reject(new Error(`the activity ended before a matching heartbeat${error ? `: ${String(error)}` : ''}`));
        });
      });
    },
  };
}
