// Polling until the world shows what was asked of it: a data plane applying new weights, a Deployment
// becoming ready. Each round reads afresh, so the reader can re-list what its expectation depends on.
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions<T> {
  timeoutMs: number;
  /** Pause between rounds; default 2 s. */
  intervalMs?: number;
  /** Called after every round, e.g. with Temporal's activity heartbeat. */
  heartbeat?: (latest: T, round: number) => void;
  /** Default: a timer; an activity passes Context.current().sleep so that cancellation ends the wait. */
  sleep?: (ms: number) => Promise<unknown>;
}

export interface PollOutcome<T> {
  done: boolean;
  rounds: number;
  last: T;
}

/** Reads until `done` holds or the next round would end after the timeout. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions<T>,
): Promise<PollOutcome<T>> {
  const intervalMs = options.intervalMs ?? 2_000;
  const pause = options.sleep ?? sleep;
  const deadline = Date.now() + options.timeoutMs;
  for (let round = 1; ; round++) {
    const last = await read();
    options.heartbeat?.(last, round);
    const finished = done(last);
    if (finished || Date.now() + intervalMs > deadline) return { done: finished, rounds: round, last };
    await pause(intervalMs);
  }
}
