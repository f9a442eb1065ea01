// Checklist items of the pre-flight: each check answers pass or fail, why, and how to fix it. A check
// that cannot be made (an API refused, a resource missing) is a failed item, not a crashed activity,
// so the checklist always shows everything that stands in the way at once.
import type { ChecklistItem } from '../src/api/records.js';

export function pass(item: string, why: string, resource?: string): ChecklistItem {
  return { item, ok: true, why, resource };
}

export function fail(item: string, why: string, fix: string, resource?: string): ChecklistItem {
  return { item, ok: false, why, fix, resource };
}

/** Runs a check; an error it throws becomes a failed item with the error's message. */
export async function guarded(
  item: string,
  fix: string,
  check: () => Promise<ChecklistItem | ChecklistItem[]>,
  resource?: string,
): Promise<ChecklistItem[]> {
  try {
    const result = await check();
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    return [fail(item, `could not check: ${error instanceof Error ? error.message : String(error)}`, fix, resource)];
  }
}
