// Names the migration that holds a CLB, for the message that refuses a second migration. The lease
// is a workflow per CLB started as a child of its migration, so its parent is the holder.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { leaseWorkflowId } from '../workflows/definitions.js';

export async function describeLeaseHolder(loadBalancerId: string): Promise<string | undefined> {
  try {
    const description = await Context.current().client.workflow.getHandle(leaseWorkflowId(loadBalancerId)).describe();
    if (description.status.name !== 'RUNNING') return undefined;
    return description.raw.workflowExecutionInfo?.parentExecution?.workflowId ?? undefined;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}
