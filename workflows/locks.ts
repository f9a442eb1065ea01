// A migration holds each resource it moves through a small child workflow whose id is derived from the
// resource key: the server refuses a second holder at once. The locks are released, and their closing
// awaited, before the migration ends, so the next migration of these resources can start at once.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  CancellationScope,
  type ChildWorkflowHandle,
  condition,
  ParentClosePolicy,
  setHandler,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { FAILURE, failure } from '../src/api/failures.js';
import { type LockInput, lockWorkflowId, releaseLockSignal } from '../src/api/names.js';
import type { Activities } from './activities.js';

/** The lock workflow: runs while its migration holds the resource. */
export async function resourceLock(_input: LockInput): Promise<void> {
  let released = false;
  setHandler(releaseLockSignal, () => {
    released = true;
  });
  await condition(() => released);
}

export class ResourceLocks {
  private readonly held: ChildWorkflowHandle<typeof resourceLock>[] = [];

  constructor(
    private readonly migrationId: string,
    private readonly resources: readonly string[],
    private readonly acts: Activities,
  ) {}

  async acquire(): Promise<void> {
    for (const resource of this.resources) {
      try {
        // Outside the cancellable scope: cancelling the migration rolls back first, holding its resources.
        const lock = await CancellationScope.nonCancellable(() =>
          startChild(resourceLock, {
            workflowId: lockWorkflowId(resource),
            args: [{ holder: this.migrationId, resource }],
            // A lock shows in the Web UI's list as what it is (filter it out with WorkflowType = 'migration').
            staticSummary: `lock on ${resource} held by migration ${this.migrationId}`,
            parentClosePolicy: ParentClosePolicy.TERMINATE,
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          }),
        );
        this.held.push(lock);
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        // Give back what this migration took, so that a retry of these resources is not refused because of it.
        await this.release();
        const holder = await this.acts.describeLockHolder(resource);
        throw failure(
          FAILURE.resourceHeld,
          `${resource} is held by running migration ${holder ?? '(unknown)'}: wait for it to end or roll it back before starting another`,
          { resource, holder },
        );
      }
    }
  }

  /** Ends the locks and waits until they are closed. */
  release(): Promise<void> {
    const held = this.held.splice(0);
    return CancellationScope.nonCancellable(async () => {
      await Promise.all(
        held.map(async (lock) => {
          await lock.signal(releaseLockSignal);
          await lock.result();
        }),
      );
    });
  }
}
