// Activity stubs with the timeouts and retry policies each kind of side effect needs. Writes and
// reads retry without limit (an API server or cloud API outage is waited out, not failed); errors that
// no retry can fix are thrown by the activities as non-retryable.
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { MigrationActivities } from '../activities/contracts.js';
import type { MigrationPlan } from '../src/plan/plan.js';

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' } as const;

export function migrationActivities(plan: MigrationPlan) {
  // Short start-to-close timeouts: an attempt lost with a crashed worker is retried within a minute.
  const { setWeights, describeLockHolder } = proxyActivities<
    Pick<MigrationActivities, 'setWeights' | 'describeLockHolder'>
  >({ startToCloseTimeout: '1m', retry });
  // The pre-flight probes every pod and route, and an action may create and wait for objects: both
  // heartbeat while they work.
  const { preflight, runAction } = proxyActivities<Pick<MigrationActivities, 'preflight' | 'runAction'>>({
    startToCloseTimeout: '10m',
    heartbeatTimeout: '1m',
    retry,
  });
  // An action's live preview only reads, and turns its own errors into a line.
  const { previewAction } = proxyActivities<Pick<MigrationActivities, 'previewAction'>>({
    startToCloseTimeout: '2m',
    retry,
  });
  // Verification polls up to the plan's timeout and heartbeats, so a rollback can cancel it.
  const { verifyWeights } = proxyActivities<Pick<MigrationActivities, 'verifyWeights'>>({
    startToCloseTimeout: plan.verifyTimeoutMs + 60_000,
    heartbeatTimeout: '30s',
    retry,
  });
  // Analysis runs for the whole soak (and a pause); an attempt lost with its worker is noticed by the
  // heartbeat timeout and started again, without adding to the history.
  const { analyze } = proxyActivities<Pick<MigrationActivities, 'analyze'>>({
    startToCloseTimeout: '24h',
    heartbeatTimeout: Math.max(30_000, plan.analysis.intervalMs * 3),
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry,
  });
  /** A condition polls up to its step's timeout. */
  const awaitCondition = (timeoutMs: number) =>
    proxyActivities<Pick<MigrationActivities, 'awaitCondition'>>({
      startToCloseTimeout: timeoutMs + 60_000,
      heartbeatTimeout: '30s',
      retry,
    }).awaitCondition;
  // A notification retries within the activity; a few attempts more cover a worker lost meanwhile.
  const { notify } = proxyActivities<Pick<MigrationActivities, 'notify'>>({
    startToCloseTimeout: '1m',
    retry: { ...retry, maximumAttempts: 3 },
  });
  return {
    preflight,
    setWeights,
    describeLockHolder,
    verifyWeights,
    analyze,
    runAction,
    previewAction,
    awaitCondition,
    notify,
  };
}

export type Activities = ReturnType<typeof migrationActivities>;
