// Gathers a StatusView from the server: describe (execution status and the heartbeats of the pending
// `analyze` and `awaitCondition` activities), the status query, and the result of a closed workflow.
import {
  type Client,
  type WorkflowExecutionDescription,
  WorkflowFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { statusQuery } from '../api/names.js';
import type { AnalysisSummary, ConditionHeartbeat } from '../api/records.js';
import type { MigrationResult } from '../api/status.js';
import { overlayAnalysis, overlayCondition, type StatusView } from './view.js';

/** A query needs a worker; without one it would wait for the whole RPC timeout. */
const QUERY_DEADLINE_MS = 10_000;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why a workflow ended without a result: the failure's own message, not the client's wrapper. */
export function failureMessage(error: unknown): string {
  return error instanceof WorkflowFailedError && error.cause ? message(error.cause) : message(error);
}

/** The last heartbeat of the workflow's pending activity of that type, if it has one. */
export async function heartbeatOf<T>(
  handle: WorkflowHandle,
  description: WorkflowExecutionDescription,
  type: string,
): Promise<T | undefined> {
  const pending = description.raw.pendingActivities?.find((activity) => activity.activityType?.name === type);
  const payloads = pending?.heartbeatDetails?.payloads;
  return payloads?.length
    ? await decodeFromPayloadsAtIndex<T>(handle.client.options.loadedDataConverter, 0, payloads)
    : undefined;
}

export async function loadStatusView(client: Client, workflowId: string): Promise<StatusView> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const view: StatusView = {
    workflowId,
    execution: {
      status: description.status.name,
      startTime: description.startTime.toISOString(),
      closeTime: description.closeTime?.toISOString(),
    },
  };

  const analysis = await heartbeatOf<AnalysisSummary>(handle, description, 'analyze');
  const condition = await heartbeatOf<ConditionHeartbeat>(handle, description, 'awaitCondition');

  try {
    const status = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(statusQuery));
    view.status = overlayCondition(overlayAnalysis(status, analysis), condition);
  } catch (error) {
    view.queryError = message(error);
  }

  if (view.execution.status !== 'RUNNING') {
    try {
      view.result = (await handle.result()) as MigrationResult;
    } catch (error) {
      view.failure = failureMessage(error);
    }
  }
  return view;
}
