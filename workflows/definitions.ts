// Names shared by the workflow, the worker, the CLI and tests: signals, updates, queries and search
// attributes. The four controls exist both as signals (fire and forget, e.g. from the Web UI) and as
// updates with validators (the caller learns at once whether the action was accepted).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate, type Sinks } from '@temporalio/workflow';
import type { ActionKind, MigrationState, MigrationStatus } from './status.js';

export const TASK_QUEUE = 'gateshift';
export const MIGRATION_WORKFLOW = 'migration';
export const LEASE_WORKFLOW = 'clbLease';

export interface ApproveInput {
  by: string;
  comment?: string;
  /** Guards against a stale approval: the phase index the approver means. */
  phase?: number;
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

/** What an update answers when accepted. Refusals arrive as the update's validation error. */
export interface ControlAnswer {
  accepted: true;
  message: string;
}

export const approveSignal = defineSignal<[ApproveInput]>('approve');
export const pauseSignal = defineSignal<[PauseInput]>('pause');
export const resumeSignal = defineSignal<[ResumeInput]>('resume');
export const rollbackSignal = defineSignal<[RollbackInput]>('rollback');

export const approveUpdate = defineUpdate<ControlAnswer, [ApproveInput]>('approve');
export const pauseUpdate = defineUpdate<ControlAnswer, [PauseInput]>('pause');
export const resumeUpdate = defineUpdate<ControlAnswer, [ResumeInput]>('resume');
export const rollbackUpdate = defineUpdate<ControlAnswer, [RollbackInput]>('rollback');

export const statusQuery = defineQuery<MigrationStatus>('status');

/** Lease workflow: the migration that holds a CLB signals it to let go. */
export const releaseLeaseSignal = defineSignal('release');

export const SEARCH_ATTRIBUTES = {
  state: defineSearchAttributeKey('GateshiftState', SearchAttributeType.KEYWORD),
  phase: defineSearchAttributeKey('GateshiftPhase', SearchAttributeType.INT),
  clbIds: defineSearchAttributeKey('GateshiftClbIds', SearchAttributeType.KEYWORD_LIST),
};

/** `--search-attribute` values for `temporal server start-dev` and `operator search-attribute create`. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, string> = {
  GateshiftState: 'Keyword',
  GateshiftPhase: 'Int',
  GateshiftClbIds: 'KeywordList',
};

export function leaseWorkflowId(loadBalancerId: string): string {
  return `gateshift-clb-${loadBalancerId}`;
}

/** Input of the lease workflow: one runs per CLB while a migration holds it. */
export interface LeaseInput {
  holder: string;
  loadBalancerId: string;
}

/**
 * What the workflow tells the worker's /metrics endpoint. Sinks are not called during replay, so a
 * counter counts each event once.
 */
export interface MigrationSinks extends Sinks {
  metrics: {
    state(migrationId: string, state: MigrationState, phase: number): void;
    weights(migrationId: string, loadBalancerId: string, source: number, target: number): void;
    action(kind: ActionKind, outcome: 'accepted' | 'refused'): void;
    rollback(reason: 'manual' | 'breach' | 'verification' | 'failure' | 'cancelled'): void;
  };
}
