// Checklist items of the pre-flight: each check passes, warns, fails, or could not be made, says why,
// and how to fix it. A check that cannot be made (no kubeconfig, no credentials, access denied, a
// resource missing) is an unchecked item that says why not, never a crashed activity nor a made-up
// fact, so the checklist always shows everything that stands in the way at once.
import type { ChecklistItem } from '../src/api/records.js';
import { type CauseAdvice, explainUnchecked } from './checklist-causes.js';

export function pass(item: string, why: string, resource?: string): ChecklistItem {
  return { item, ok: true, status: 'pass', why, resource };
}

/** Nothing stands in the way, but a human should look before approving. */
export function warn(item: string, why: string, fix: string, resource?: string): ChecklistItem {
  return { item, ok: true, status: 'warn', why, fix, resource };
}

export function fail(item: string, why: string, fix: string, resource?: string): ChecklistItem {
  return { item, ok: false, status: 'fail', why, fix, resource };
}

/** The check could not be made; `cause` is the reason in a few words (see ChecklistItem.cause). */
export function unchecked(item: string, cause: string, why: string, fix: string, resource?: string): ChecklistItem {
  return { item, ok: false, status: 'unchecked', cause, why: `could not check: ${why}`, fix, resource };
}

/**
 * Runs a check; an error it throws makes the item unchecked, with the reason and the fix the error
 * tells (access, credentials, kubeconfig, a missing resource: `advice.notFound` names the input field
 * to correct). `fix` is the advice for the reasons an error does not explain (an outage, an odd answer).
 */
export async function guarded(
  item: string,
  fix: string,
  check: () => Promise<ChecklistItem | ChecklistItem[]>,
  resource?: string,
  advice: CauseAdvice = {},
): Promise<ChecklistItem[]> {
  try {
    const result = await check();
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    const why = explainUnchecked(error, advice);
    return [unchecked(item, why.cause, why.why, why.fix ?? fix, resource)];
  }
}
