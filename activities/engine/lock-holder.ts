// Names the migration that holds a resource, for the message that refuses a second migration. The lock
// is a workflow per resource started as a child of its migration, so its parent is the holder.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { lockWorkflowId } from '../../src/api/names.js';

export async function describeLockHolder(resource: string): Promise<string | undefined> {
  try {
    const description = await Context.current().client.workflow.getHandle(lockWorkflowId(resource)).describe();
    if (description.status.name !== 'RUNNING') return undefined;
    return description.raw.workflowExecutionInfo?.parentExecution?.workflowId ?? undefined;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}
