// The InputError a plan input is refused with; a test fails when the input is accepted.
import { buildPlan, InputError } from '../../src/plan/index.js';

export function refusal(raw: unknown): InputError {
  try {
    buildPlan(raw);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}
