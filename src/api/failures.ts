// The failure types a migration ends with, shared by the workflow, the activities, the CLI and the
// tests, and the one helper that turns any error into the message a user reads.
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/common';

export const FAILURE = {
  /** The input was refused before anything ran; details name the field. */
  invalidInput: 'InvalidInput',
  /** Another running migration holds one of the resources; details name it and its holder. */
  resourceHeld: 'ResourceHeld',
  /** A pre-flight item failed: nothing was changed. Details hold the checklist. */
  preflightFailed: 'PreflightFailed',
  /** The rollback wrote the start state but could not see it applied. */
  rollbackNotVerified: 'RollbackNotVerified',
  /** An undo of the rollback failed; what it could not remove is in the message. */
  undoFailed: 'UndoFailed',
  /** A human control refused in the workflow itself (an update whose validator had passed). */
  controlRefused: 'ControlRefused',
  /** An activity refused a request that breaks an invariant (e.g. every side at weight 0). */
  invalidRequest: 'InvalidRequest',
  /** An analysis query Prometheus refuses again and again. */
  badPrometheusQuery: 'BadPrometheusQuery',
} as const;

export type FailureType = (typeof FAILURE)[keyof typeof FAILURE];

/** The message of the innermost cause a user can act on: activity and child wrappers are skipped. */
export function errorMessage(error: unknown): string {
  if ((error instanceof ActivityFailure || error instanceof ChildWorkflowFailure) && error.cause)
    return errorMessage(error.cause);
  return error instanceof Error ? error.message : String(error);
}

/**
 * A non-retryable failure of the given type; `details` travel to the client as they are. It is an
 * outcome gateshift expected and explains in its message: it carries no JS stack trace for the Temporal
 * CLI and Web UI to show, and the worker logs it without one (see src/sdk-log.ts).
 */
export function failure(type: FailureType, message: string, details?: unknown): ApplicationFailure {
  const error = ApplicationFailure.create({
    message,
    type,
    nonRetryable: true,
    details: details === undefined ? undefined : [details],
  });
  error.stack = '';
  return error;
}

/**
 * Whether the error of the SDK's "Workflow failed" log line is one made by `failure()`: no stack and
 * no cause (a failure that wraps another, such as an activity's, has a cause). The type does not reach
 * the log: the line crosses from the workflow thread as a structured clone, which keeps only these.
 */
export function isExpectedFailure(error: unknown): error is { message: string } {
  if (typeof error !== 'object' || error === null || !('message' in error)) return false;
  const { stack, cause } = error as { stack?: string; cause?: unknown };
  return !stack && cause === undefined;
}
