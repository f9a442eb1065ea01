// What a start puts in the Web UI (summary and details) and what `start` prints for the operator. Only
// the starter can set a workflow's static summary and details (start options; the workflow itself sets
// only its current details), so whatever starts a migration should pass migrationStartOptions.
import { SEARCH_ATTRIBUTES, TASK_QUEUE } from '../api/names.js';
import { shellQuote } from '../notify/message.js';
import { formatDuration, gateApproval, type MigrationPlan, type Step, stepLabel } from '../plan/index.js';

/** The plan's title, else the driver's one line (e.g. "lb-a, lb-b: ns/svc → ns/svc"). */
export function startSummary(plan: MigrationPlan): string {
  return plan.summary;
}

function stepRow(step: Step, plan: MigrationPlan): string {
  const shift = step.kind === 'shift' ? step : undefined;
  const cells = [
    String(step.index),
    // A code span: the Web UI would set "90/10" in a label as a fraction.
    `\`${stepLabel(step)}\``,
    shift ? String(shift.weights.source) : '',
    shift ? String(shift.weights.target) : '',
    step.kind === 'shift' || step.kind === 'soak' ? formatDuration(step.soakMs) : '',
    gateApproval(step, plan.steps, plan.restore) ?? '',
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Markdown for the Web UI: what moves where, and the steps. */
export function startDetails(plan: MigrationPlan): string {
  return [
    ...plan.details,
    '',
    '| # | step | source weight | target weight | soak | approval |',
    '|---|---|---:|---:|---:|---|',
    ...plan.steps.map((step) => stepRow(step, plan)),
  ].join('\n');
}

/** The start options of a migration besides its id and input: the Web UI's search attributes, summary and details. */
export function migrationStartOptions(plan: MigrationPlan) {
  return {
    taskQueue: TASK_QUEUE,
    typedSearchAttributes: [
      { key: SEARCH_ATTRIBUTES.state, value: 'starting' },
      { key: SEARCH_ATTRIBUTES.phase, value: 0 },
      { key: SEARCH_ATTRIBUTES.resources, value: plan.locks },
      { key: SEARCH_ATTRIBUTES.kind, value: plan.kind },
    ],
    staticSummary: startSummary(plan),
    staticDetails: startDetails(plan),
  };
}

/** The exact commands to approve and to watch a migration that runs. */
export function nextStepsText(workflowId: string): string {
  const id = shellQuote(workflowId);
  return [
    'approve the next step (either):',
    `  gateshift approve ${id}`,
    `  temporal workflow signal --workflow-id ${id} --name approve --input '{"by":"you"}'`,
    'watch it:',
    `  gateshift watch ${id}`,
    '',
  ].join('\n');
}
