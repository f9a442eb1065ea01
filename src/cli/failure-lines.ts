// How a migration that ended without a result is told: its short message, and the structured details
// behind it (a failed pre-flight's checklist item by item, an input's problems field by field). Never a
// stack trace: gateshift's own failures carry none, and only messages are printed.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE } from '../api/failures.js';
import type { ChecklistItem } from '../api/records.js';
import { checklistLines } from './checklist-lines.js';
import { inputErrorLines } from './input.js';
import { failureMessage } from './inspect.js';

interface InputProblems {
  field: string;
  problem: string;
  others: { field: string; problem: string }[];
}

export function failureLines(error: unknown): string[] {
  const cause = error instanceof WorkflowFailedError ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as { items?: ChecklistItem[] } | InputProblems | undefined;
    if (cause.type === FAILURE.preflightFailed && details && 'items' in details && details.items)
      return checklistLines(details.items, 'pre-flight failed, nothing was changed');
    if (cause.type === FAILURE.invalidInput && details && 'field' in details) return inputErrorLines(details);
  }
  return [`failed: ${failureMessage(error)}`];
}
