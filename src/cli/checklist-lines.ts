// The pre-flight checklist as the CLI prints it (status, watch, start): the summary line first, then
// every item that is not a plain pass, each on its own line with its resource, why and how to fix it.
// Items that share their why and fix (say, everything a missing kubeconfig kept from being checked)
// are listed together, the why and fix once under them. A checklist that passed is one line.
import { checklistSummary, itemName } from '../api/checklist.js';
import type { ChecklistItem, ChecklistStatus } from '../api/records.js';

const MARKS: Record<ChecklistStatus, string> = { pass: 'ok', warn: 'WARN', fail: 'FAIL', unchecked: 'UNCHECKED' };
const WIDTH = Math.max(...Object.values(MARKS).map((mark) => mark.length));
const UNDER = `  ${' '.repeat(WIDTH)}  `;

/** A why of several lines (a diff) keeps its shape under the item. */
const indented = (text: string) => text.replaceAll('\n', `\n${UNDER}`);

function groupLines([first, ...others]: ChecklistItem[]): string[] {
  if (!first) return [];
  const mark = MARKS[first.status].padEnd(WIDTH);
  const lines =
    others.length === 0
      ? [`  ${mark}  ${itemName(first)}: ${indented(first.why)}`]
      : [
          `  ${mark}  ${itemName(first)}`,
          ...others.map((item) => `${UNDER}${itemName(item)}`),
          `${UNDER}why: ${indented(first.why)}`,
        ];
  if (first.fix) lines.push(`${UNDER}fix: ${indented(first.fix)}`);
  return lines;
}

export function checklistLines(items: ChecklistItem[], heading = 'preflight'): string[] {
  const groups = new Map<string, ChecklistItem[]>();
  for (const item of items.filter((candidate) => candidate.status !== 'pass')) {
    const key = JSON.stringify([item.status, item.why, item.fix]);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [`${heading}: ${checklistSummary(items)}`, ...[...groups.values()].flatMap(groupLines)];
}
