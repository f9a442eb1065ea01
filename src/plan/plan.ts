// Validation and normalisation of the input into the plan the workflow executes: an ordered list of
// steps produced by the input's driver. Pure: used by the workflow (first thing, before any activity),
// by the CLI before it starts anything, and by tests.
import type { z } from 'zod';
import type { NotifyConfig } from '../notify/schema.js';
import { type AnalysisCheck, type CheckSubjects, defaultChecks, type QueryVariables } from './checks.js';
import type { CommonInput, PlanDriver, Problem } from './drivers/driver.js';
import { type DriverKind, PLAN_DRIVERS, type TrafficPlan } from './drivers/index.js';
import { parseDuration } from './duration.js';
import { friendlyMessage, InputError } from './input-error.js';
import { foreignInput, schemaRefusal } from './input-shape.js';
import { type MigrationInput, migrationInputSchema, type ParsedInput, type RouteProbe } from './schema.js';
import type { Step } from './steps.js';
import type { SideWeights } from './weights.js';

export interface AnalysisPlan {
  prometheusUrl?: string;
  intervalMs: number;
  window: string;
  consecutiveFailures: number;
  onBreach: 'rollback' | 'pause';
  minDataCoverage: number;
  checks: AnalysisCheck[];
  /** Whose metrics the checks read: the driver fills the query placeholders. */
  variables: QueryVariables;
}

export interface MigrationPlan {
  title?: string;
  kind: DriverKind;
  traffic: TrafficPlan;
  steps: Step[];
  /** What a rollback restores; null for a driver without weights. */
  restore: SideWeights | null;
  /** Keys of the resources the migration holds (`clb/lb-…`). */
  locks: string[];
  summary: string;
  details: string[];
  analysis: AnalysisPlan;
  routes: RouteProbe[];
  verifyTimeoutMs: number;
  /** Chat targets; absent: the worker's defaults. */
  notify?: NotifyConfig;
}

// Keys of the input before it named its driver: refused with the new shape in the message.
const OLD_SHAPE_KEYS = ['driver', 'source', 'target', 'loadBalancers', 'gatewayNamespaces'];

function oldShape(raw: unknown): InputError | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || 'traffic' in raw) return undefined;
  const moved = OLD_SHAPE_KEYS.filter((key) => key in raw && key !== 'driver');
  if (moved.length === 0) return undefined;
  return new InputError(
    'traffic',
    `is required: the input now names its driver. Move ${moved.join(', ')} under \`traffic: { kind: clb-annotation, ${moved.map((key) => `${key}: …`).join(', ')} }\` (see examples/migration.yaml)`,
  );
}

function commonProblems(input: ParsedInput, subjects: CheckSubjects | undefined): Problem[] {
  const problems: Problem[] = [];
  // Phases only move traffic towards the target: the target weight never falls and the source weight
  // never rises, so the target's share grows monotonically. The last phase need not be 0/100: an SRE
  // may stop at 50/50 to run both gateways side by side; the workflow then ends holding that split.
  input.phases.forEach((phase, i) => {
    if (phase.sourceWeight === 0 && phase.targetWeight === 0)
      problems.push({
        field: `phases[${i}]`,
        problem: 'every gateway is at weight 0: the data plane would have no backend to send traffic to',
      });
    const previous = input.phases[i - 1];
    if (previous && phase.targetWeight < previous.targetWeight)
      problems.push({
        field: `phases[${i}].targetWeight`,
        problem: `must not decrease from one phase to the next (phases[${i - 1}] has ${previous.targetWeight}); use rollback to go back`,
      });
    if (previous && phase.sourceWeight > previous.sourceWeight)
      problems.push({
        field: `phases[${i}].sourceWeight`,
        problem: `must not increase from one phase to the next (phases[${i - 1}] has ${previous.sourceWeight}); use rollback to go back`,
      });
  });
  const checkNames = new Set<string>(
    input.analysis.defaultChecks ? defaultChecks(input.analysis, subjects).map((check) => check.name) : [],
  );
  input.analysis.checks.forEach((check, i) => {
    if (checkNames.has(check.name))
      problems.push({
        field: `analysis.checks[${i}].name`,
        problem: `check "${check.name}" is defined twice${input.analysis.defaultChecks ? ' (default checks included)' : ''}`,
      });
    checkNames.add(check.name);
  });
  if (!input.analysis.defaultChecks && input.analysis.checks.length === 0)
    problems.push({
      field: 'analysis.checks',
      problem: 'defaultChecks is false and no checks are given: nothing would watch the migration',
    });
  input.routes.forEach((route, i) => {
    route.expectStatus.forEach((code, k) => {
      if (route.expectStatus.indexOf(code) < k)
        problems.push({ field: `routes[${i}].expectStatus[${k}]`, problem: `lists ${code} twice` });
    });
  });
  return problems;
}

/** A driver with steps of its own takes no phases: given ones would be silently ignored. */
function stepDriverProblems(raw: unknown, input: ParsedInput, subjects: CheckSubjects | undefined): Problem[] {
  const given = typeof raw === 'object' && raw !== null && 'phases' in raw;
  const phases: Problem[] = given
    ? [{ field: 'phases', problem: `the ${input.traffic.kind} driver moves no weights: leave phases out` }]
    : [];
  return [...phases, ...commonProblems({ ...input, phases: [] }, subjects)];
}

function toMs(value: string): number {
  const parsed = parseDuration(value);
  if (parsed === undefined) throw new Error(`unreachable: unvalidated duration ${value}`);
  return parsed;
}

function common(input: ParsedInput): CommonInput {
  return {
    phases: input.phases.map((phase) => ({
      name: phase.name ?? `${phase.sourceWeight}/${phase.targetWeight}`,
      sourceWeight: phase.sourceWeight,
      targetWeight: phase.targetWeight,
      soakMs: toMs(phase.soak),
      approval: phase.approval ?? input.approval.mode,
    })),
    approval: input.approval.mode,
    verifyTimeoutMs: toMs(input.verifyTimeout),
    routes: input.routes,
  };
}

/** Validates raw input (e.g. parsed JSON) and returns the plan, or throws InputError naming the field. */
export function buildPlan(raw: unknown): MigrationPlan {
  const refused = foreignInput(raw) ?? oldShape(raw);
  if (refused) throw refused;
  const result = migrationInputSchema.safeParse(raw, { error: friendlyMessage });
  if (!result.success) throw schemaRefusal(raw, result.error.issues);
  const input = result.data;
  // The registry is keyed by the fragment's own `kind`, so this driver is the one for this fragment.
  const driver = PLAN_DRIVERS[input.traffic.kind] as unknown as PlanDriver<z.ZodObject, TrafficPlan>;
  const shared = common(input);
  const traffic = driver.traffic(input.traffic);
  const subjects = driver.checkSubjects?.(traffic);
  const [first, ...rest] = [
    ...driver.problems(input.traffic, shared),
    ...(driver.movesWeights ? commonProblems(input, subjects) : stepDriverProblems(raw, input, subjects)),
  ];
  if (first) throw new InputError(first.field, first.problem, rest);

  return {
    title: input.title,
    kind: input.traffic.kind,
    traffic,
    steps: driver.steps(traffic, shared).map((step, index) => ({ ...step, index }) as Step),
    restore: driver.restore(traffic),
    locks: driver.locks(traffic),
    summary: input.title ?? driver.summary(traffic),
    details: driver.details(traffic),
    analysis: {
      prometheusUrl: input.analysis.prometheusUrl,
      intervalMs: toMs(input.analysis.interval),
      window: input.analysis.window,
      consecutiveFailures: input.analysis.consecutiveFailures,
      onBreach: input.analysis.onBreach,
      minDataCoverage: input.analysis.minDataCoverage,
      checks: [
        ...(input.analysis.defaultChecks ? defaultChecks(input.analysis, subjects) : []),
        ...input.analysis.checks,
      ],
      variables: { ...driver.analysisVariables(traffic), window: input.analysis.window },
    },
    routes: input.routes,
    verifyTimeoutMs: shared.verifyTimeoutMs,
    notify: input.notify,
  };
}

export type { MigrationInput };
