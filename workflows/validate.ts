// The first thing a workflow does with its raw input: the plan, or the InvalidInput failure naming the
// field (every problem in its details), before anything else happens.
import { FAILURE, failure } from '../src/api/failures.js';
import { InputError } from '../src/plan/input-error.js';
import { buildPlan, type MigrationPlan } from '../src/plan/plan.js';

export function validate(raw: unknown): MigrationPlan {
  try {
    return buildPlan(raw);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw failure(FAILURE.invalidInput, error.message, {
      field: error.field,
      problem: error.problem,
      others: error.others,
    });
  }
}
