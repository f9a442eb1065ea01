// The preview of a plan (`gateshift plan`, the `preview` workflow): the steps in order, what each writes
// on which resource (from the driver's pure half), whether it waits for a human, and for each phase the
// share every resource will apply given what runs today, next to the pre-flight. Nothing is written.
import type { z } from 'zod';
import type { PlanDriver, ResourceWrite } from '../plan/drivers/driver.js';
import { PLAN_DRIVERS, type TrafficPlan } from '../plan/drivers/index.js';
import { formatDuration } from '../plan/duration.js';
import { gateApproval } from '../plan/gate.js';
import type { MigrationPlan } from '../plan/plan.js';
import { type ApprovalMode, type StepKind, shiftSteps, stepLabel } from '../plan/steps.js';
import type { SideWeights } from '../plan/weights.js';
import type { ChecklistItem, Observation, ObservationPart } from './records.js';

/** What the preview reads from the world (the `readPreview` activity), read-only. */
export interface PreviewReadings {
  preflight: { ok: boolean; items: ChecklistItem[] };
  /**
   * For each shift step (by index), what every resource would apply at its weights given the backends it
   * has today; absent for a driver that moves no weights, or when they could not be read.
   */
  shares?: { step: number; observations: Observation[] }[];
  /** Why the shares could not be read. */
  sharesUnknown?: string;
}

export interface ResourceShare {
  resource: string;
  /** The shares the resource will apply (percent, two decimals). */
  shares: SideWeights;
}

export interface StepPreview {
  index: number;
  label: string;
  kind: StepKind;
  /**
   * manual: waits for an approval; auto: goes on by itself after a passing soak (else waits for one);
   * null: never waits for a human.
   */
  approval: ApprovalMode | null;
  /** An action that cannot be undone: approved on its own, and no rollback past it. */
  irreversible: boolean;
  soakMs?: number;
  /** An await step: how long it waits, and what happens when its condition does not hold by then. */
  wait?: { timeoutMs: number; onTimeout: 'breach' | 'approval' };
  /** In the order the step makes them; empty for a step that only waits, soaks or ends. */
  writes: ResourceWrite[];
  /** A shift's shares, resource by resource. */
  shares?: ResourceShare[];
}

export interface PlanPreview {
  summary: string;
  kind: string;
  /** Every pre-flight item is ok: a start of this input would get past the pre-flight. */
  ready: boolean;
  preflight: ChecklistItem[];
  /** The backends each resource has today, part by part (e.g. per vServer group), which the shares rest on. */
  backends: { resource: string; parts: ObservationPart[] }[];
  sharesUnknown?: string;
  steps: StepPreview[];
}

/** The preview of a validated plan from what was read; pure. */
export function planPreview(plan: MigrationPlan, readings: PreviewReadings): PlanPreview {
  // The registry is keyed by the plan's kind, so this driver made this traffic.
  const driver = PLAN_DRIVERS[plan.kind] as unknown as PlanDriver<z.ZodObject, TrafficPlan>;
  const shifts = shiftSteps(plan.steps);
  const sharesOf = new Map(readings.shares?.map((entry) => [entry.step, entry.observations]));
  const first = readings.shares?.[0]?.observations ?? [];
  return {
    summary: plan.summary,
    kind: plan.kind,
    ready: readings.preflight.ok,
    preflight: readings.preflight.items,
    backends: first.map((observation) => ({ resource: observation.resource, parts: observation.parts ?? [] })),
    sharesUnknown: readings.sharesUnknown,
    steps: plan.steps.map((step) => {
      const before = shifts.filter((shift) => shift.index < step.index).at(-1)?.weights ?? plan.restore;
      const writes = driver.writes(plan.traffic, step, before);
      const observations = sharesOf.get(step.index);
      return {
        index: step.index,
        label: stepLabel(step),
        kind: step.kind,
        approval: step.kind === 'gate' ? 'auto' : (gateApproval(step, plan.steps, plan.restore) ?? null),
        irreversible: step.kind === 'action' && step.irreversible,
        ...((step.kind === 'shift' || step.kind === 'soak') && { soakMs: step.soakMs }),
        ...(step.kind === 'await' && { wait: { timeoutMs: step.timeoutMs, onTimeout: step.onTimeout ?? 'breach' } }),
        writes,
        ...(observations && {
          shares: observations.map((observation) => ({ resource: observation.resource, shares: observation.expected })),
        }),
      };
    }),
  };
}

/** Whether a step waits for a human, in words the CLI and the Web UI share. */
export function approvalWords(step: StepPreview): string {
  if (step.wait)
    return `waits up to ${formatDuration(step.wait.timeoutMs)}, then ${step.wait.onTimeout === 'approval' ? 'a human decides' : 'handled as a breach'}`;
  const own = step.irreversible ? ' (its own: it cannot be undone)' : '';
  if (step.approval === 'manual') return `needs approval${own}`;
  if (step.approval === 'auto')
    return `${step.kind === 'gate' ? 'ends' : 'goes on'} by itself after a passing soak, else needs approval${own}`;
  return 'no approval';
}

/** "3 source, 2 target backends in rsp-a": what a resource's shares rest on. */
export function backendWords(parts: readonly ObservationPart[]): string {
  return parts
    .map((part) => `${part.source.backends} source, ${part.target.backends} target backends in ${part.id}`)
    .join('; ');
}
