// `gateshift approve|pause|resume|rollback|skip-soak <id>`: the workflow's updates, so the answer
// (accepted or refused by the validator) comes back at once.
import { userInfo } from 'node:os';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import {
  type ApproveAllInput,
  type ApproveInput,
  approveAllUpdate,
  approveUpdate,
  type ControlAnswer,
  type PauseInput,
  pauseUpdate,
  type ResumeInput,
  type RollbackInput,
  resumeUpdate,
  rollbackUpdate,
  type SkipSoakInput,
  skipSoakUpdate,
} from '../api/names.js';
import { withClient } from './client.js';
import { CliExit } from './errors.js';
import { formatRefusal } from './format.js';

/** GATESHIFT_USER, else the OS user name. */
export function defaultUser(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GATESHIFT_USER) return env.GATESHIFT_USER;
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for the uid (e.g. an arbitrary uid in a container).
    return env.USER || 'unknown';
  }
}

/** The validator's message when the workflow refused the update, else undefined. */
export function refusalMessage(error: unknown): string | undefined {
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  return error.cause?.message || error.message;
}

async function control<Input>(
  workflowId: string,
  update: UpdateDefinition<ControlAnswer, [Input]>,
  input: Input,
): Promise<void> {
  await withClient(async (client) => {
    try {
      const answer = await client.workflow.getHandle(workflowId).executeUpdate(update, { args: [input] });
      process.stdout.write(`${answer.message}\n`);
    } catch (error) {
      const refusal = refusalMessage(error);
      if (refusal !== undefined) throw new CliExit(1, formatRefusal(refusal));
      throw error;
    }
  });
}

export const approve = (id: string, input: ApproveInput) => control(id, approveUpdate, input);
export const pause = (id: string, input: PauseInput) => control(id, pauseUpdate, input);
export const resume = (id: string, input: ResumeInput) => control(id, resumeUpdate, input);
export const rollback = (id: string, input: RollbackInput) => control(id, rollbackUpdate, input);
export const skipSoak = (id: string, input: SkipSoakInput) => control(id, skipSoakUpdate, input);
export const approveAll = (id: string, input: ApproveAllInput) => control(id, approveAllUpdate, input);
