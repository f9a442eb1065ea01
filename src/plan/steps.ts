// A plan is an ordered list of typed steps (after Argo Rollouts' canary steps): the workflow runs them
// in order and never knows which driver produced them.
import type { SideWeights } from './weights.js';

export type ApprovalMode = 'manual' | 'auto';

/** Plain JSON, as activity arguments must be. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface StepBase {
  index: number;
  name: string;
  /**
   * Set on a step that a later version added to plans that existed before: the workflow patch id under
   * which it runs, so that the histories of migrations started before it replay without it.
   */
  addedIn?: string;
}

/** Absolute weights for the two sides, written (the growing side first), verified, then soaked. */
export interface ShiftStep extends StepBase {
  kind: 'shift';
  /** Position among the plan's shift steps: phase 0 is the start state. */
  phase: number;
  weights: SideWeights;
  soakMs: number;
  approval: ApprovalMode;
}

/** A named side effect of the driver, with the undo that removes only what it created or changed. */
export interface ActionStep extends StepBase {
  kind: 'action';
  action: string;
  args: { [key: string]: Json };
  /** What the step will write, for the approver (e.g. a diff). */
  preview: string;
  undo?: { action: string; args: { [key: string]: Json } };
  /** false: a rollback leaves what this step did in place (e.g. a gateway that serves no traffic). */
  undoOnRollback: boolean;
  /** No way back once it has started (e.g. an upgrade): a breach then pauses instead of rolling back. */
  irreversible: boolean;
  approval: ApprovalMode;
}

/** A condition of the world to wait for, up to a timeout (e.g. a canary Deployment being ready). */
export interface AwaitStep extends StepBase {
  kind: 'await';
  condition: string;
  args: { [key: string]: Json };
  timeoutMs: number;
  /** Run the analysis while waiting (e.g. during a rolling upgrade): a breach is handled as in a soak. */
  watch?: boolean;
  /**
   * What a condition that does not hold in time does: `breach` (default) rolls back or pauses as a breach
   * does; `approval` ends the step unmet and holds the next gate until a human approves or rolls back.
   */
  onTimeout?: 'breach' | 'approval';
}

/** Analysis only: holds the current state for a time with the checks running. */
export interface SoakStep extends StepBase {
  kind: 'soak';
  soakMs: number;
}

/** The final gate: the migration ends once its last soak passed, or a human says so. */
export interface GateStep extends StepBase {
  kind: 'gate';
}

export type Step = ShiftStep | ActionStep | AwaitStep | SoakStep | GateStep;
export type StepKind = Step['kind'];

/** What a driver's pure half writes; the plan numbers them. */
export type StepSpec = Step extends infer S ? (S extends Step ? Omit<S, 'index'> : never) : never;

/** "phase 1 (canary 90/10)", "step 3 (annotate the gateway)", "completion": the same words everywhere. */
export function stepLabel(step: Step): string {
  switch (step.kind) {
    case 'shift': {
      const weights = `${step.weights.source}/${step.weights.target}`;
      return `phase ${step.phase} (${step.name === weights ? weights : `${step.name} ${weights}`})`;
    }
    case 'gate':
      return 'completion';
    default:
      return `step ${step.index} (${step.name})`;
  }
}

/** The phase a step is about: a shift's own; completion counts as one past the last phase. */
export function phaseOf(step: Step | undefined, phaseCount: number): number | undefined {
  if (step?.kind === 'shift') return step.phase;
  return step?.kind === 'gate' ? phaseCount : undefined;
}

export function shiftSteps(steps: readonly Step[]): ShiftStep[] {
  return steps.filter((step): step is ShiftStep => step.kind === 'shift');
}
