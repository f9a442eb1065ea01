// The one line that leads a pre-flight checklist wherever it is shown (the CLI, the Web UI, the
// failure of a migration that did not start): how many checks passed, failed or could not run, and
// the reasons why not, e.g. "no kubeconfig and no Alibaba Cloud credentials: 0 of 16 checks could run".
import type { ChecklistItem, ChecklistStatus } from './records.js';

/** "access denied: slb:A" and "access denied: slb:B" read as "access denied (slb:A, slb:B)". */
function causes(items: ChecklistItem[]): string {
  const details = new Map<string, string[]>();
  for (const item of items) {
    const [reason = 'an error', ...rest] = (item.cause ?? 'an error').split(': ');
    const known = details.get(reason) ?? [];
    const detail = rest.join(': ');
    if (detail && !known.includes(detail)) known.push(detail);
    details.set(reason, known);
  }
  return [...details].map(([reason, list]) => (list.length ? `${reason} (${list.join(', ')})` : reason)).join(' and ');
}

export function checklistSummary(items: ChecklistItem[]): string {
  const count = (status: ChecklistStatus) => items.filter((item) => item.status === status).length;
  const total = items.length;
  const [failed, unchecked, warned] = [count('fail'), count('unchecked'), count('warn')];
  const warnings = warned ? `, ${warned} with a warning` : '';
  if (failed === 0 && unchecked === 0) return `all ${total} checks passed${warnings}`;
  if (unchecked === 0) return `${failed} of ${total} checks failed${warnings}`;
  const ran = `${causes(items.filter((item) => item.status === 'unchecked'))}: ${total - unchecked} of ${total} checks could run`;
  return failed ? `${ran}, ${failed} failed` : ran;
}

/** The items that stand in the way, named as the lists show them: "[clb/lb-…] CLB has no blocking tag". */
export function itemName(item: ChecklistItem): string {
  return item.resource ? `[${item.resource}] ${item.item}` : item.item;
}

/** Longest why quoted in a failure message; the details hold the whole checklist. */
const QUOTED_WHY = 200;

/**
 * The message of a migration the pre-flight stopped: the summary, then the first item that stands in
 * the way with its why, cut short (a notification or a list shows the message; the details have all).
 */
export function preflightFailure(items: ChecklistItem[]): string {
  const [first, ...others] = items.filter((item) => !item.ok);
  const summary = `pre-flight failed, nothing was changed: ${checklistSummary(items)}`;
  if (!first) return summary;
  const why = first.why.length > QUOTED_WHY ? `${first.why.slice(0, QUOTED_WHY - 1)}…` : first.why;
  const more = others.length ? ` (and ${others.length} more)` : '';
  return `${summary}. First: ${itemName(first)}: ${why.replaceAll('\n', ' ')}${more}`;
}
