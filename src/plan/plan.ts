// Validation and normalisation of the input into the plan the workflow executes. Pure: used by the
// workflow (first thing, before any activity), by the CLI before it starts anything, and by tests.
import type { z } from 'zod';
import { type AnalysisCheck, defaultChecks } from './checks.js';
import { parseDuration } from './duration.js';
import { type MigrationInput, migrationInputSchema, type ParsedInput } from './schema.js';

export type ApprovalMode = 'manual' | 'auto';

export interface GatewayRef {
  namespace: string;
  service: string;
  selector: Record<string, string>;
  workload: string;
  kubeContext?: string;
}

export interface PlannedLoadBalancer {
  id: string;
  region: string;
  vServerGroups: { id: string; port: number; listenerPort: number }[];
  sourceService: string;
  targetService: string;
}

export interface PlannedPhase {
  index: number;
  name: string;
  sourceWeight: number;
  targetWeight: number;
  soakMs: number;
  approval: ApprovalMode;
}

export interface AnalysisPlan {
  prometheusUrl?: string;
  intervalMs: number;
  window: string;
  consecutiveFailures: number;
  onBreach: 'rollback' | 'pause';
  checks: AnalysisCheck[];
}

export interface RouteProbe {
  host: string;
  path: string;
  port: number;
  scheme: 'http' | 'https';
  expectStatus: number[];
}

export interface MigrationPlan {
  title?: string;
  driver: 'clb-annotation';
  source: GatewayRef;
  target: GatewayRef;
  loadBalancers: PlannedLoadBalancer[];
  phases: PlannedPhase[];
  analysis: AnalysisPlan;
  routes: RouteProbe[];
  verifyTimeoutMs: number;
}

/** A refused input: `field` is the path of the offending value, e.g. `loadBalancers[1].id`. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly others: { field: string; problem: string }[] = [],
  ) {
    super(
      `invalid input: ${field}: ${problem}${others.length ? ` (and ${others.length} more problem${others.length > 1 ? 's' : ''})` : ''}`,
    );
    this.name = 'InputError';
  }
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(input)';
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

function crossFieldProblems(input: ParsedInput): { field: string; problem: string }[] {
  const problems: { field: string; problem: string }[] = [];
  const seenLb = new Map<string, number>();
  input.loadBalancers.forEach((lb, i) => {
    const first = seenLb.get(lb.id);
    if (first !== undefined)
      problems.push({
        field: `loadBalancers[${i}].id`,
        problem: `CLB ${lb.id} is listed twice (also loadBalancers[${first}])`,
      });
    else seenLb.set(lb.id, i);
    const seenGroup = new Set<string>();
    lb.vServerGroups.forEach((group, j) => {
      if (seenGroup.has(group.id))
        problems.push({
          field: `loadBalancers[${i}].vServerGroups[${j}].id`,
          problem: `vServer group ${group.id} is listed twice`,
        });
      seenGroup.add(group.id);
    });
    const source = lb.sourceService ?? input.source.service;
    const target = lb.targetService ?? input.target.service;
    if (
      source === target &&
      input.source.namespace === input.target.namespace &&
      input.source.kubeContext === input.target.kubeContext
    )
      problems.push({
        field: `loadBalancers[${i}]`,
        problem: `source and target Service are the same (${input.source.namespace}/${source})`,
      });
  });
  input.phases.forEach((phase, i) => {
    if (phase.sourceWeight === 0 && phase.targetWeight === 0)
      problems.push({
        field: `phases[${i}]`,
        problem: 'every gateway is at weight 0: the CLB would have no backend to send traffic to',
      });
    const previous = input.phases[i - 1];
    if (previous && phase.targetWeight < previous.targetWeight)
      problems.push({
        field: `phases[${i}].targetWeight`,
        problem: `must not decrease from one phase to the next (phases[${i - 1}] has ${previous.targetWeight}); use rollback to go back`,
      });
  });
  const checkNames = new Set<string>();
  input.analysis.checks.forEach((check, i) => {
    if (checkNames.has(check.name))
      problems.push({ field: `analysis.checks[${i}].name`, problem: `check "${check.name}" is defined twice` });
    checkNames.add(check.name);
  });
  if (!input.analysis.defaultChecks && input.analysis.checks.length === 0)
    problems.push({
      field: 'analysis.checks',
      problem: 'defaultChecks is false and no checks are given: nothing would watch the migration',
    });
  return problems;
}

function toMs(value: string): number {
  const parsed = parseDuration(value);
  if (parsed === undefined) throw new Error(`unreachable: unvalidated duration ${value}`);
  return parsed;
}

function gateway(ref: ParsedInput['source']): GatewayRef {
  return { ...ref, workload: ref.workload ?? ref.service };
}

/** Validates raw input (e.g. parsed JSON) and returns the plan, or throws InputError naming the field. */
export function buildPlan(raw: unknown): MigrationPlan {
  const result = migrationInputSchema.safeParse(raw);
  if (!result.success) {
    const [first, ...rest] = result.error.issues.map((issue) => ({
      field: fieldPath(issue.path),
      problem: issueMessage(issue),
    }));
    if (first) throw new InputError(first.field, first.problem, rest);
  }
  const input = result.data as ParsedInput;
  const [first, ...rest] = crossFieldProblems(input);
  if (first) throw new InputError(first.field, first.problem, rest);

  return {
    title: input.title,
    driver: input.driver,
    source: gateway(input.source),
    target: gateway(input.target),
    loadBalancers: input.loadBalancers.map((lb) => ({
      id: lb.id,
      region: lb.region,
      vServerGroups: lb.vServerGroups.map((g) => ({ id: g.id, port: g.port, listenerPort: g.listenerPort ?? g.port })),
      sourceService: lb.sourceService ?? input.source.service,
      targetService: lb.targetService ?? input.target.service,
    })),
    phases: input.phases.map((phase, index) => ({
      index,
      name: phase.name ?? `${phase.sourceWeight}/${phase.targetWeight}`,
      sourceWeight: phase.sourceWeight,
      targetWeight: phase.targetWeight,
      soakMs: toMs(phase.soak),
      approval: phase.approval ?? input.approval.mode,
    })),
    analysis: {
      prometheusUrl: input.analysis.prometheusUrl,
      intervalMs: toMs(input.analysis.interval),
      window: input.analysis.window,
      consecutiveFailures: input.analysis.consecutiveFailures,
      onBreach: input.analysis.onBreach,
      checks: [...(input.analysis.defaultChecks ? defaultChecks(input.analysis) : []), ...input.analysis.checks],
    },
    routes: input.routes,
    verifyTimeoutMs: toMs(input.verifyTimeout),
  };
}

export type { MigrationInput };
