// `gateshift plan <file>`: validate the input locally (exit 2 naming the field), then run the `preview`
// workflow on the worker, which reads the pre-flight and the shares with its own credentials and writes
// nothing, and print the preview (`--json`: as JSON). Exit 0 ready, 1 blocked by the pre-flight.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { PREVIEW_WORKFLOW, TASK_QUEUE } from '../api/names.js';
import type { PlanPreview } from '../api/preview.js';
import type { MigrationPlan } from '../plan/index.js';
import { FIRST_TASK_DONE } from './await-preflight.js';
import { withClient } from './client.js';
import { CliExit } from './errors.js';
import { EXIT } from './exit-codes.js';
import { failureLines } from './failure-lines.js';
import { readInputFile, validateInput } from './input.js';
import { previewLines } from './plan-text.js';
import { defaultWorkflowId } from './start.js';

type PreviewWorkflow = (input: unknown) => Promise<PlanPreview>;

export interface PlanOptions {
  json?: boolean;
  /** How long the workflow's first task may wait for a worker. */
  noWorkerMs?: number;
}

/** Runs the preview of `raw` on the worker; throws CliExit (exit 1) when no worker runs it or it fails. */
export async function runPreview(
  client: Client,
  raw: unknown,
  plan: MigrationPlan,
  workflowId: string,
  noWorkerMs = 30_000,
): Promise<PlanPreview> {
  const handle = await client.workflow.start<PreviewWorkflow>(PREVIEW_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId,
    args: [raw],
    staticSummary: `preview: ${plan.summary}`,
  });
  const since = Date.now();
  for (;;) {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING' || description.historyLength >= FIRST_TASK_DONE) break;
    if (Date.now() - since > noWorkerMs)
      throw new CliExit(
        EXIT.failed,
        `no worker has picked up preview ${workflowId} in ${Math.round(noWorkerMs / 1000)} s: is a gateshift worker polling task queue "${TASK_QUEUE}" on this server?`,
      );
    await sleep(300);
  }
  return handle.result().catch((error: unknown) => {
    throw new CliExit(EXIT.failed, failureLines(error).join('\n'));
  });
}

export async function planCommand(file: string, options: PlanOptions & { id?: string }): Promise<void> {
  const raw = await readInputFile(file);
  const plan = validateInput(raw);
  const workflowId = options.id ?? defaultWorkflowId(plan, new Date(), 'gateshift-preview');
  const preview = await withClient((client) => runPreview(client, raw, plan, workflowId, options.noWorkerMs));
  process.stdout.write(
    options.json ? `${JSON.stringify(preview, null, 2)}\n` : `${previewLines(preview).join('\n')}\n`,
  );
  process.exitCode = preview.ready ? EXIT.ok : EXIT.failed;
}
