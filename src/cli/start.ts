// `gateshift start <file>`: validate locally, then start the migration workflow.
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { MIGRATION_WORKFLOW, SEARCH_ATTRIBUTES, TASK_QUEUE } from '../api/names.js';
import type { MigrationResult } from '../api/status.js';
import type { MigrationPlan } from '../plan/index.js';
import { withClient } from './client.js';
import { CliExit } from './errors.js';
import { formatResult } from './format.js';
import { readInputFile, validateInput } from './input.js';
import { failureMessage } from './inspect.js';
import { startDetails, startedText, startSummary } from './start-text.js';

/** The workflow as the client sees it: the raw input in, the result out. */
type MigrationWorkflow = (input: unknown) => Promise<MigrationResult>;

export interface StartOptions {
  id?: string;
  wait?: boolean;
}

/** `gateshift-<first resource, e.g. clb-lb-…>-<UTC yyyymmdd-hhmmss>` */
export function defaultWorkflowId(plan: MigrationPlan, now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `gateshift-${(plan.locks[0] ?? plan.kind).replaceAll('/', '-')}-${stamp}`;
}

export async function startCommand(file: string, options: StartOptions): Promise<void> {
  const raw = await readInputFile(file);
  const plan = validateInput(raw);
  const workflowId = options.id ?? defaultWorkflowId(plan, new Date());
  await withClient(async (client) => {
    const handle = await client.workflow
      .start<MigrationWorkflow>(MIGRATION_WORKFLOW, {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [raw],
        typedSearchAttributes: [
          { key: SEARCH_ATTRIBUTES.state, value: 'starting' },
          { key: SEARCH_ATTRIBUTES.phase, value: 0 },
          { key: SEARCH_ATTRIBUTES.resources, value: plan.locks },
          { key: SEARCH_ATTRIBUTES.kind, value: plan.kind },
        ],
        staticSummary: startSummary(plan),
        staticDetails: startDetails(plan),
      })
      .catch((error: unknown) => {
        if (error instanceof WorkflowExecutionAlreadyStartedError)
          throw new CliExit(1, `a workflow with id ${workflowId} is already running`);
        throw error;
      });
    process.stdout.write(startedText(workflowId));
    if (!options.wait) return;
    try {
      const result = await handle.result();
      process.stdout.write(`${formatResult(result)}\n`);
      if (result.outcome !== 'completed') process.exitCode = 1;
    } catch (error) {
      if (error instanceof WorkflowFailedError)
        throw new CliExit(1, `ended without a result: ${failureMessage(error)}`);
      throw error;
    }
  });
}
