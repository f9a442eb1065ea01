// Whether a step waits for a human before it runs: one pure rule for every kind of step.
import { type ApprovalMode, type Step, shiftSteps, stepLabel } from './steps.js';
import type { SideWeights } from './weights.js';

export type Verdict = 'pass' | 'breach' | 'no-data' | 'failing' | 'skipped';

export interface GateSituation {
  /** The weights in force (the start state before the first shift); null for a driver without weights. */
  desired: SideWeights | null;
  /** The verdict of the last soak; 'skipped' when no soak ran since the last step. */
  lastVerdict: Verdict;
  /** Why the verdict is what it is, e.g. "data for 30% of the soak, 80% needed". */
  verdictNote?: string;
  /** Why a step before wants a human to decide (e.g. a condition that did not hold in time), until a gate passes. */
  held?: string;
}

export interface GateDecision {
  needed: boolean;
  /** What the status says the migration waits for, when a human is needed. */
  waitingFor?: string;
}

/**
 * A step waits for an approval when it sends more traffic to the target, starts a side effect, or ends
 * the migration, unless the plan lets it advance on its own (`auto`) and the last soak passed. Missing
 * data never counts as a pass. A step before that holds the gates (`held`) makes the next one wait.
 * Steps that only wait or soak never need a human.
 */
export function humanNeeded(step: Step, situation: GateSituation): GateDecision {
  const passed = lastSoakPassed(situation);
  let needed: boolean;
  switch (step.kind) {
    case 'shift':
      needed = step.weights.target > (situation.desired?.target ?? 0) && (step.approval === 'manual' || !passed);
      break;
    case 'action':
      needed = step.approval === 'manual' || !passed;
      break;
    case 'gate':
      needed = !passed;
      break;
    default:
      return { needed: false };
  }
  if (situation.held) return { needed: true, waitingFor: `approval of ${stepLabel(step)} (${situation.held})` };
  if (!needed) return { needed };
  const note = situation.verdictNote ? `: ${situation.verdictNote}` : '';
  const held = passed ? '' : ` (auto-advance held: the last analysis verdict was ${situation.lastVerdict}${note})`;
  return { needed, waitingFor: `approval of ${stepLabel(step)}${held}` };
}

function lastSoakPassed(situation: GateSituation): boolean {
  return situation.lastVerdict === 'pass' || situation.lastVerdict === 'skipped';
}

/** A step that cannot be undone is approved on its own, never by an approve-all. */
export function needsOwnApproval(step: Step): boolean {
  return step.kind === 'action' && step.irreversible;
}

/**
 * Whether a standing approval (approve-all) opens this gate without a human: the step allows it and the
 * last soak passed. A gate held by the analysis (a breach paused, too little data) or by a step before
 * still waits, since the approval was given before that was known.
 */
export function approvedAllOpens(step: Step, situation: GateSituation): boolean {
  return !needsOwnApproval(step) && lastSoakPassed(situation) && !situation.held;
}

/** The steps from `from` on that pass a gate (shifts, actions, completion), as an approve-all sees them. */
export function remainingGates(steps: readonly Step[], from: number): { label: string; ownApproval: boolean }[] {
  return steps
    .filter((step) => step.index >= from && (step.kind === 'shift' || step.kind === 'action' || step.kind === 'gate'))
    .map((step) => ({ label: stepLabel(step), ownApproval: needsOwnApproval(step) }));
}

/**
 * The approval mode of a step that has a gate, for a reader of the plan: an action, or a shift that
 * sends more traffic to the target than the step before it (the start state before the first). Other
 * steps never wait for a human.
 */
export function gateApproval(step: Step, steps: readonly Step[], start: SideWeights | null): ApprovalMode | undefined {
  if (step.kind === 'action') return step.approval;
  if (step.kind !== 'shift') return undefined;
  const before = shiftSteps(steps.slice(0, step.index)).at(-1)?.weights ?? start;
  return step.weights.target > (before?.target ?? 0) ? step.approval : undefined;
}
