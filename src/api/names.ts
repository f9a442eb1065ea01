// Names shared by the workflow, the worker, the activities, the CLI and the tests: the task queue,
// workflow types, signals, updates, queries, search attributes and lock ids. The controls exist both as
// signals (fire and forget, e.g. from the Web UI) and as updates with validators (the caller learns at
// once whether the action was accepted).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate, type Sinks } from '@temporalio/workflow';
import type { ActionKind, MigrationState, MigrationStatus, RollbackReason } from './status.js';

export const TASK_QUEUE = 'gateshift';
export const MIGRATION_WORKFLOW = 'migration';
export const LOCK_WORKFLOW = 'resourceLock';
/** Validates an input and previews its plan (pre-flight, writes, shares), writing nothing. */
export const PREVIEW_WORKFLOW = 'preview';

export interface ApproveInput {
  by: string;
  comment?: string;
  /** Guards against a stale approval: the phase index the approver means. */
  phase?: number;
  /** The same guard by step index, for plans with steps that are not phases. */
  step?: number;
}
export interface PauseInput {
  by: string;
  reason: string;
}
export interface ResumeInput {
  by: string;
}
export interface RollbackInput {
  by: string;
  reason: string;
}
/** Ends the running soak as if its time had run out; its verdict stands on the data gathered so far. */
export interface SkipSoakInput {
  by: string;
  reason: string;
}
/**
 * Approves the gate that waits, if any, and every later one as it comes, once its last soak passed;
 * verification and analysis still run, and a step that cannot be undone still waits for its own approval.
 */
export interface ApproveAllInput {
  by: string;
  reason: string;
}
export type ControlInput = ApproveInput | PauseInput | ResumeInput | RollbackInput | SkipSoakInput | ApproveAllInput;

/** What an update answers when accepted. Refusals arrive as the update's validation error. */
export interface ControlAnswer {
  accepted: true;
  message: string;
}

export const approveSignal = defineSignal<[ApproveInput]>('approve');
export const pauseSignal = defineSignal<[PauseInput]>('pause');
export const resumeSignal = defineSignal<[ResumeInput]>('resume');
export const rollbackSignal = defineSignal<[RollbackInput]>('rollback');
export const skipSoakSignal = defineSignal<[SkipSoakInput]>('skipSoak');
export const approveAllSignal = defineSignal<[ApproveAllInput]>('approveAll');

export const approveUpdate = defineUpdate<ControlAnswer, [ApproveInput]>('approve');
export const pauseUpdate = defineUpdate<ControlAnswer, [PauseInput]>('pause');
export const resumeUpdate = defineUpdate<ControlAnswer, [ResumeInput]>('resume');
export const rollbackUpdate = defineUpdate<ControlAnswer, [RollbackInput]>('rollback');
export const skipSoakUpdate = defineUpdate<ControlAnswer, [SkipSoakInput]>('skipSoak');
export const approveAllUpdate = defineUpdate<ControlAnswer, [ApproveAllInput]>('approveAll');

export const statusQuery = defineQuery<MigrationStatus>('status');

/** Lock workflow: the migration that holds a resource signals it to let go. */
export const releaseLockSignal = defineSignal('release');

export const SEARCH_ATTRIBUTES = {
  state: defineSearchAttributeKey('GateshiftState', SearchAttributeType.KEYWORD),
  phase: defineSearchAttributeKey('GateshiftPhase', SearchAttributeType.INT),
  resources: defineSearchAttributeKey('GateshiftResources', SearchAttributeType.KEYWORD_LIST),
  kind: defineSearchAttributeKey('GateshiftKind', SearchAttributeType.KEYWORD),
};

/** `--search-attribute` values for `temporal server start-dev` and `operator search-attribute create`. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'Int' | 'KeywordList'> = {
  GateshiftState: 'Keyword',
  GateshiftPhase: 'Int',
  GateshiftResources: 'KeywordList',
  GateshiftKind: 'Keyword',
};

/** One lock workflow runs per held resource: its id is derived from the resource key (`clb/lb-…`). */
export function lockWorkflowId(resource: string): string {
  return `gateshift-lock-${resource}`;
}

export interface LockInput {
  holder: string;
  resource: string;
}

/**
 * What the workflow tells the worker's /metrics endpoint. Sinks are not called during replay, so a
 * counter counts each event once.
 */
export interface MigrationSinks extends Sinks {
  metrics: {
    /** `waitingSince`: epoch ms since when the migration waits for a human, null when it does not. */
    state(migrationId: string, state: MigrationState, phase: number, waitingSince: number | null): void;
    desired(migrationId: string, source: number, target: number): void;
    observed(migrationId: string, resource: string, source: number, target: number): void;
    analysis(migrationId: string, samples: { check: string; value: number | null; threshold: number }[]): void;
    action(kind: ActionKind, outcome: 'accepted' | 'refused'): void;
    rollback(reason: RollbackReason): void;
  };
}
