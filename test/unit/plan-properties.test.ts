// Properties of validation over generated inputs: whatever an input holds, buildPlan either refuses it
// naming a field that exists in it, or returns a plan that keeps every invariant the workflow relies on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildPlan,
  type ClbTraffic,
  fieldPath,
  InputError,
  MAX_DURATION_MS,
  type MigrationPlan,
  shiftSteps,
} from '../../src/plan/index.js';
import { bookinfoGateways } from '../support/inputs.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Path = (string | number)[];

const weight = fc.integer({ min: 0, max: 100 });
const soak = fc.constantFrom('0s', '30s', '15m', '1h', '1h30m', '2 hours');

/** Phases the schema accepts: the target weight never falls, the source weight never rises, never 0/0. */
const validPhases = fc
  .array(fc.tuple(weight, weight, soak), { minLength: 1, maxLength: 6 })
  .map((rows) => {
    const sources = rows.map(([s]) => s).sort((a, b) => b - a);
    const targets = rows.map(([, t]) => t).sort((a, b) => a - b);
    return rows.map(([, , phaseSoak], i) => ({
      sourceWeight: sources[i] as number,
      targetWeight: targets[i] as number,
      soak: phaseSoak,
    }));
  })
  .filter((phases) => phases.every((p) => p.sourceWeight + p.targetWeight > 0));

const validInput: fc.Arbitrary<JsonObject> = fc
  .record({
    groups: fc.array(fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: 3,
    }),
    phases: fc.option(validPhases, { nil: undefined }),
    approval: fc.option(fc.constantFrom('manual', 'auto'), { nil: undefined }),
    analysis: fc.option(
      fc.record({ interval: fc.constantFrom('5s', '30s', '1m'), onBreach: fc.constantFrom('rollback', 'pause') }),
      { nil: undefined },
    ),
    // The CLB driver's pre-flight probes routes: a valid input has at least one.
    routes: fc.array(
      fc.record({ host: fc.constantFrom('bookinfo.example.com', 'a.b'), path: fc.constantFrom('/', '/productpage') }),
      { minLength: 1, maxLength: 2 },
    ),
  })
  .map(({ groups, phases, approval, analysis, routes }) => {
    const input: JsonObject = {
      traffic: {
        kind: 'clb-annotation',
        ...bookinfoGateways(),
        loadBalancers: groups.map((ports, i) => ({
          id: `lb-bp1clb${i}`,
          region: 'cn-hangzhou',
          vServerGroups: ports.map((port, j) => ({ id: `rsp-bp1g${i}x${j}`, port })),
        })),
      },
    };
    if (phases) input.phases = phases;
    if (approval) input.approval = { mode: approval };
    if (analysis) input.analysis = analysis;
    input.routes = routes;
    return input;
  });

/** Every path of a JSON value, the root included. */
function paths(value: Json, prefix: Path = []): Path[] {
  const children: [string | number, Json][] = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : value !== null && typeof value === 'object'
      ? Object.keys(value).map((key) => [key, value[key] as Json])
      : [];
  return [prefix, ...children.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

function at(root: Json, path: Path): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key] as Json, root);
}

function pick<T>(items: T[], index: number): T | undefined {
  return items.length ? items[index % items.length] : undefined;
}

/** Adds or replaces an own key, also one named "__proto__". */
function put(object: Json, key: string | number, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'set'; at: number; value: Json }
  | { kind: 'number'; at: number; value: number }
  | { kind: 'duration'; at: number; value: string }
  | { kind: 'duplicate-clb'; at: number; id: 'same' | 'upper-case' | 'renamed'; freshGroups: boolean }
  | { kind: 'zero-phase'; at: number }
  | { kind: 'unknown-key'; at: number; key: string; value: Json };

const durationish = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom(...'0123456789.hmsd -'.split('')) }),
  fc.constantFrom('', '0s', '3600', '-1h', '1000000h', '1y', '2 minutes', '1h30m'),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  }),
  fc.record({
    kind: fc.constant('number' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.double(),
      fc.constantFrom(-1, 0, 101, 65_536, 1.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY),
    ),
  }),
  fc.record({ kind: fc.constant('duration' as const), at: fc.nat(), value: durationish }),
  fc.record({
    kind: fc.constant('duplicate-clb' as const),
    at: fc.nat(),
    id: fc.constantFrom('same', 'upper-case', 'renamed'),
    freshGroups: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('zero-phase' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('unknown-key' as const),
    at: fc.nat(),
    key: fc.oneof(fc.constantFrom('accessKeySecret', 'password', 'token', 'weight', 'name', '__proto__'), fc.string()),
    value: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
  }),
);

const DURATION_FIELDS: Path[] = [['verifyTimeout'], ['analysis', 'interval'], ['analysis', 'window']];

function apply(input: JsonObject, change: Mutation): void {
  const all = paths(input).slice(1);
  switch (change.kind) {
    case 'drop': {
      const path = pick(all, change.at);
      if (!path) return;
      const parent = at(input, path.slice(0, -1));
      const key = path.at(-1) as string | number;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as JsonObject)[key];
      return;
    }
    case 'set': {
      const path = pick(all, change.at);
      if (path) put(at(input, path.slice(0, -1)), path.at(-1) as string | number, change.value);
      return;
    }
    case 'number': {
      const path = pick(
        all.filter((p) => typeof at(input, p) === 'number'),
        change.at,
      );
      if (path) put(at(input, path.slice(0, -1)), path.at(-1) as string | number, change.value);
      return;
    }
    case 'duration': {
      const phases = Array.isArray(input.phases) ? input.phases.map((_, i): Path => ['phases', i, 'soak']) : [];
      const path = pick([...DURATION_FIELDS, ...phases], change.at) as Path;
      if (path[0] === 'analysis' && (typeof input.analysis !== 'object' || input.analysis === null))
        input.analysis = {};
      // An earlier mutation may have replaced the phase itself with a scalar: nothing to set then.
      const parent = at(input, path.slice(0, -1));
      if (typeof parent === 'object' && parent !== null) put(parent, path.at(-1) as string | number, change.value);
      return;
    }
    case 'duplicate-clb': {
      // An earlier mutation may have replaced the traffic object itself: no CLB to copy then.
      const traffic = input.traffic;
      const lbs =
        traffic !== null && typeof traffic === 'object' && !Array.isArray(traffic) ? traffic.loadBalancers : [];
      const original = Array.isArray(lbs) ? pick(lbs, change.at) : undefined;
      if (!Array.isArray(lbs) || original === undefined) return;
      const copy = structuredClone(original);
      if (!copy || typeof copy !== 'object' || Array.isArray(copy)) return;
      if (typeof copy.id === 'string' && change.id !== 'same')
        copy.id = change.id === 'upper-case' ? copy.id.toUpperCase() : `${copy.id}dup`;
      if (change.freshGroups && Array.isArray(copy.vServerGroups))
        for (const group of copy.vServerGroups)
          if (group && typeof group === 'object' && !Array.isArray(group) && typeof group.id === 'string')
            group.id = `${group.id}dup`;
      lbs.push(copy);
      return;
    }
    case 'zero-phase': {
      const phase = Array.isArray(input.phases) ? pick(input.phases, change.at) : undefined;
      if (phase && typeof phase === 'object' && !Array.isArray(phase)) {
        phase.sourceWeight = 0;
        phase.targetWeight = 0;
      }
      return;
    }
    case 'unknown-key': {
      const objects = paths(input).filter((p) => {
        const node = at(input, p);
        return node !== null && typeof node === 'object' && !Array.isArray(node);
      });
      const path = pick(objects, change.at);
      if (path) put(at(input, path), change.key, change.value);
      return;
    }
  }
}

/** `a.b[2]` → `a.b`; `source` → `(input)`. */
function parentOf(field: string): string {
  const parent = field.replace(/(\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/, '');
  return parent === field || parent === '' ? '(input)' : parent;
}

/** The CLB driver's part of a plan (the only driver today). */
function clb(plan: MigrationPlan): ClbTraffic {
  if (plan.traffic.kind !== 'clb-annotation') throw new Error(`not a CLB plan: ${plan.traffic.kind}`);
  return plan.traffic;
}

/** What the workflow may take for granted about a plan; empty when the plan keeps all of it. */
function planViolations(plan: MigrationPlan, input: JsonObject): string[] {
  const problems: string[] = [];
  const fail = (condition: boolean, what: string) => {
    if (!condition) problems.push(what);
  };
  const isWeight = (w: number) => Number.isInteger(w) && w >= 0 && w <= 100;
  const isPort = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;
  const isDuration = (ms: number, min: number) => Number.isFinite(ms) && ms >= min && ms <= MAX_DURATION_MS;

  const traffic = clb(plan);
  fail(traffic.loadBalancers.length >= 1, 'at least one CLB');
  const ids = traffic.loadBalancers.map((lb) => lb.id);
  fail(new Set(ids.map((id) => id.toLowerCase())).size === ids.length, 'unique CLB ids, whatever the case');
  fail(
    JSON.stringify(ids) ===
      JSON.stringify(((input.traffic as JsonObject).loadBalancers as JsonObject[]).map((lb) => lb.id)),
    'the CLBs of the input, in order',
  );
  fail(JSON.stringify(plan.locks) === JSON.stringify(ids.map((id) => `clb/${id}`)), 'a lock on every CLB');
  const groups = traffic.loadBalancers.flatMap((lb) => lb.vServerGroups);
  fail(
    traffic.loadBalancers.every((lb) => lb.vServerGroups.length >= 1),
    'at least one vServer group per CLB',
  );
  fail(new Set(groups.map((g) => g.id)).size === groups.length, 'each vServer group on one CLB only');
  fail(
    groups.every((g) => isPort(g.port) && isPort(g.listenerPort)),
    'ports in 1..65535',
  );
  fail(
    Object.keys(traffic.source.selector).length > 0 && Object.keys(traffic.target.selector).length > 0,
    'non-empty selectors',
  );

  fail(
    plan.steps.every((step, k) => step.index === k),
    'steps indexed in order',
  );
  fail(plan.steps.at(-1)?.kind === 'gate', 'ends with the completion gate');
  const phases = shiftSteps(plan.steps);
  fail(phases.length >= 1, 'at least one phase');
  phases.forEach((phase, i) => {
    const previous = phases[i - 1];
    fail(phase.phase === i, `phases[${i}] indexed`);
    fail(isWeight(phase.weights.source) && isWeight(phase.weights.target), `phases[${i}] weights in 0..100`);
    fail(phase.weights.source + phase.weights.target > 0, `phases[${i}] not all 0`);
    fail(!previous || phase.weights.target >= previous.weights.target, `phases[${i}] target weight does not fall`);
    fail(!previous || phase.weights.source <= previous.weights.source, `phases[${i}] source weight does not rise`);
    fail(isDuration(phase.soakMs, 0), `phases[${i}] soak parsed`);
  });
  fail(isDuration(plan.analysis.intervalMs, 1000), 'analysis interval parsed, at least 1s');
  fail(isDuration(plan.verifyTimeoutMs, 1000), 'verify timeout parsed, at least 1s');
  fail(/^(\d+(ms|[smhdwy]))+$/.test(plan.analysis.window), 'window in PromQL syntax');
  fail(plan.analysis.checks.length >= 1, 'something watches the migration');
  fail(new Set(plan.analysis.checks.map((c) => c.name)).size === plan.analysis.checks.length, 'unique check names');
  fail(
    plan.routes.every((r) => r.expectStatus.length > 0 && r.expectStatus.every((s) => s >= 100 && s <= 599)),
    'routes expect real statuses',
  );
  return problems;
}

function outcome(input: JsonObject): { error: InputError } | { plan: MigrationPlan } {
  try {
    return { plan: buildPlan(input) };
  } catch (error) {
    if (error instanceof InputError) return { error };
    throw error;
  }
}

describe('buildPlan over generated inputs', () => {
  it('accepts every valid input and keeps its phases', () => {
    fc.assert(
      fc.property(validInput, (input) => {
        const result = outcome(input);
        if ('error' in result) throw result.error;
        expect(planViolations(result.plan, input)).toEqual([]);
        if (input.phases)
          expect(shiftSteps(result.plan.steps).map((p) => [p.weights.source, p.weights.target])).toEqual(
            (input.phases as { sourceWeight: number; targetWeight: number }[]).map((p) => [
              p.sourceWeight,
              p.targetWeight,
            ]),
          );
      }),
    );
  });

  it('refuses a mutated input naming a field it holds, or plans it within every invariant', () => {
    fc.assert(
      fc.property(validInput, fc.array(mutation, { minLength: 1, maxLength: 3 }), (input, changes) => {
        for (const change of changes) apply(input, change);
        const result = outcome(input);
        if ('plan' in result) {
          expect(planViolations(result.plan, input)).toEqual([]);
          return;
        }
        const present = new Set(paths(input).map((path) => fieldPath(path)));
        for (const { field, problem } of [result.error, ...result.error.others]) {
          expect(problem).not.toBe('');
          // A missing field is named by its path; its parent is in the input.
          expect(present.has(field) || present.has(parentOf(field)), `${field} is not a path of the input`).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts a phase list exactly when it only moves traffic towards the target', () => {
    const phases = fc.array(fc.record({ sourceWeight: weight, targetWeight: weight }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(validInput, phases, (input, list) => {
        const ok = list.every(
          (p, i) =>
            p.sourceWeight + p.targetWeight > 0 &&
            (i === 0 ||
              (p.targetWeight >= (list[i - 1]?.targetWeight ?? 0) &&
                p.sourceWeight <= (list[i - 1]?.sourceWeight ?? 100))),
        );
        const result = outcome({ ...input, phases: list });
        expect('plan' in result).toBe(ok);
        if ('error' in result) expect(result.error.field).toMatch(/^phases\[\d+\]/);
      }),
    );
  });
});
