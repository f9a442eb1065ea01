// What an input or an activity call is refused with; a test fails when it is accepted.
import { ApplicationFailure } from '@temporalio/common';
import { buildPlan, InputError } from '../../src/plan/index.js';

/** The InputError a plan input is refused with. */
export function refusal(raw: unknown): InputError {
  try {
    buildPlan(raw);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

/** The ApplicationFailure an activity call fails with. */
export async function activityRefusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}
