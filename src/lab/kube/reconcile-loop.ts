// The heart of every simulated controller: changes trigger a pass after a delay, the changes that
// arrive during the delay join that same pass, passes never overlap, a failed pass is retried, and a
// periodic resync catches what no event announced.
import { errorMessage, type LabLogger } from './logger.js';

export interface ReconcileLoopOptions {
  /** Names the loop in log lines. */
  name: string;
  /** One idempotent pass over the whole world. */
  pass: () => Promise<void>;
  /** From the first change to the pass that applies it. */
  delayMs: number;
  /** A pass at least this often, changes or not; none when omitted. */
  resyncMs?: number;
  /** After a failed pass; default max(delayMs, 1 s). */
  retryMs?: number;
  logger: LabLogger;
}

export interface ReconcileLoop {
  /** A pass after the delay, unless one is already due. */
  trigger(): void;
  /** A pass now (after the running one, if any), which also takes over a pass that was due. */
  runNow(): Promise<void>;
  /** Stops the timers and waits for the running pass. */
  stop(): Promise<void>;
}

export function startReconcileLoop(options: ReconcileLoopOptions): ReconcileLoop {
  const retryMs = options.retryMs ?? Math.max(options.delayMs, 1_000);
  let due: NodeJS.Timeout | undefined;
  let stopped = false;
  let queue = Promise.resolve();

  const schedule = (delayMs: number) => {
    if (stopped || due) return;
    due = setTimeout(() => {
      due = undefined;
      void enqueue();
    }, delayMs);
  };
  const pass = async () => {
    if (stopped) return;
    try {
      await options.pass();
    } catch (error) {
      options.logger.warn(`${options.name}: ${errorMessage(error)}; again in ${retryMs} ms`);
      schedule(retryMs);
    }
  };
  const enqueue = () => {
    queue = queue.then(pass);
    return queue;
  };
  const resync = options.resyncMs ? setInterval(() => schedule(options.delayMs), options.resyncMs) : undefined;

  return {
    trigger: () => schedule(options.delayMs),
    runNow: () => {
      clearTimeout(due);
      due = undefined;
      return enqueue();
    },
    stop: async () => {
      stopped = true;
      clearTimeout(due);
      clearInterval(resync);
      await queue;
    },
  };
}
