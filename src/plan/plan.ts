// Validation and normalisation of the input into the plan the workflow executes. Pure: used by the
// workflow (first thing, before any activity), by the CLI before it starts anything, and by tests.
import type { z } from 'zod';
import { type AnalysisCheck, defaultChecks } from './checks.js';
import { parseDuration } from './duration.js';
import { looksLikeCredential, type MigrationInput, migrationInputSchema, type ParsedInput } from './schema.js';

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
  gatewayNamespaces: string[];
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

/** `loadBalancers[1].id`; keys that are not identifiers are quoted: `source.selector["app.kubernetes.io/name"]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (!/^[A-Za-z_$][\w$]*$/.test(String(part))) out += `[${JSON.stringify(String(part))}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(input)';
}

type Problem = { field: string; problem: string };

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return `a ${typeof value}`;
}

function plural(count: number | bigint, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

// Messages for the issues that carry no message of their own in the schema. They never quote the
// value itself: a refused value could be a secret pasted in the wrong place.
function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = { int: 'an integer', array: 'a list', object: 'an object', record: 'an object' }[
        issue.expected as string
      ];
      return `must be ${expected ?? `a ${issue.expected}`} (got ${kind(issue.input)})`;
    }
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${plural(issue.minimum, 'item')}`;
      if (issue.origin === 'string')
        return issue.minimum === 1 ? 'must not be empty' : `must be at least ${plural(issue.minimum, 'character')}`;
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${plural(issue.maximum, 'item')}`;
      if (issue.origin === 'string') return `must be at most ${plural(issue.maximum, 'character')}`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return undefined;
  }
}

function schemaProblems(issue: z.core.$ZodIssue): Problem[] {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({
      field: fieldPath([...issue.path, key]),
      problem: looksLikeCredential(key)
        ? 'unknown field; credentials never go in the input: the worker holds them'
        : 'unknown field',
    }));
  if (issue.code === 'invalid_key')
    return [{ field: fieldPath(issue.path), problem: issue.issues[0]?.message ?? issue.message }];
  return [{ field: fieldPath(issue.path), problem: issue.message }];
}

function crossFieldProblems(input: ParsedInput): Problem[] {
  const problems: Problem[] = [];
  const seenLb = new Map<string, number>();
  const groupOwner = new Map<string, number>();
  input.loadBalancers.forEach((lb, i) => {
    const first = seenLb.get(lb.id);
    if (first !== undefined)
      problems.push({
        field: `loadBalancers[${i}].id`,
        problem: `CLB ${lb.id} is listed twice (also loadBalancers[${first}])`,
      });
    else seenLb.set(lb.id, i);
    lb.vServerGroups.forEach((group, j) => {
      const owner = groupOwner.get(group.id);
      if (owner === undefined) groupOwner.set(group.id, i);
      else
        problems.push({
          field: `loadBalancers[${i}].vServerGroups[${j}].id`,
          problem:
            owner === i
              ? `vServer group ${group.id} is listed twice`
              : `vServer group ${group.id} is also listed under loadBalancers[${owner}]: a vServer group belongs to one CLB`,
        });
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
  if (
    input.source.namespace === input.target.namespace &&
    input.source.kubeContext === input.target.kubeContext &&
    sameLabels(input.source.selector, input.target.selector)
  )
    problems.push({
      field: 'target.selector',
      problem: 'selects the same pods as source.selector: the target gateway must be other pods',
    });
  // Phases only move traffic towards the target: the target weight never falls and the source weight
  // never rises, so the target's share grows monotonically. The last phase need not be 0/100: an SRE
  // may stop at 50/50 to run both gateways side by side; the workflow then ends holding that split.
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
    if (previous && phase.sourceWeight > previous.sourceWeight)
      problems.push({
        field: `phases[${i}].sourceWeight`,
        problem: `must not increase from one phase to the next (phases[${i - 1}] has ${previous.sourceWeight}); use rollback to go back`,
      });
  });
  const checkNames = new Set<string>(
    input.analysis.defaultChecks ? defaultChecks(input.analysis).map((check) => check.name) : [],
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

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
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
  const result = migrationInputSchema.safeParse(raw, { error: friendlyMessage });
  if (!result.success) {
    const [first, ...rest] = result.error.issues.flatMap(schemaProblems);
    throw new InputError(first?.field ?? '(input)', first?.problem ?? 'is not valid', rest);
  }
  const input = result.data;
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
    gatewayNamespaces: input.gatewayNamespaces ?? [input.source.namespace],
    verifyTimeoutMs: toMs(input.verifyTimeout),
  };
}

export type { MigrationInput };
