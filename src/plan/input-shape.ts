// Inputs that are not a migration input at all (an empty file, a pasted Kubernetes object), and the
// "did you mean" of an unknown field, found among the fields the schema knows at that place.
import type { z } from 'zod';
import { InputError, schemaProblems } from './input-error.js';
import { migrationInputSchema } from './schema.js';

const SEE = 'see examples/migration.yaml';

/** The refusal of an input that is not a migration input at all, before any field is looked at. */
export function foreignInput(raw: unknown): InputError | undefined {
  if (raw === undefined || raw === null)
    return new InputError('(input)', `is empty: a migration input is one object (${SEE})`);
  if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const { apiVersion, kind } = raw as { apiVersion?: unknown; kind?: unknown };
  if (typeof apiVersion === 'string' && typeof kind === 'string')
    return new InputError(
      '(input)',
      `is a Kubernetes ${kind} (apiVersion ${apiVersion}), not a gateshift migration input: a migration names the gateways and what moves under \`traffic\`, its phases and checks (${SEE})`,
    );
  return undefined;
}

type Def = {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  innerType?: Schema;
  in?: Schema;
  options?: Schema[];
  discriminator?: string;
};
type Schema = { _zod: { def: Def } };

/** The schema under optional, default and pipe wrappers. */
function unwrap(schema: Schema): Schema {
  const { def } = schema._zod;
  const inner = def.innerType ?? def.in;
  return inner && ['optional', 'default', 'prefault', 'nullable', 'pipe'].includes(def.type) ? unwrap(inner) : schema;
}

/** The field names the schema accepts in the object at `path` of `raw`. */
export function knownFields(raw: unknown, path: readonly PropertyKey[]): string[] {
  let schema: Schema | undefined = unwrap(migrationInputSchema as unknown as Schema);
  let value = raw;
  for (const part of path) {
    if (!schema) return [];
    const def: Def = schema._zod.def;
    if (def.type === 'array') schema = def.element;
    else if (def.type === 'object') schema = def.shape?.[String(part)];
    else return [];
    schema = schema && unwrap(schema);
    value = (value as Record<PropertyKey, unknown> | undefined)?.[part];
    // A discriminated union (the driver's fragment) is the option its discriminator names.
    if (schema?._zod.def.type === 'union' && schema._zod.def.discriminator) {
      const key = schema._zod.def.discriminator;
      const wanted = (value as Record<string, unknown> | undefined)?.[key];
      schema = schema._zod.def.options?.find((option) => {
        const literal = unwrap(option)._zod.def.shape?.[key] as unknown as { _zod: { def: { values?: unknown[] } } };
        return literal?._zod.def.values?.includes(wanted);
      });
    }
  }
  return schema?._zod.def.type === 'object' ? Object.keys(schema._zod.def.shape ?? {}) : [];
}

/** Edit distance with transpositions ("tilte" is one step from "title"). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  return (d[a.length] as number[])[b.length] as number;
}

/** The known field closest to `key`, when it is close enough to be a typo. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const scored = known
    .map((candidate) => ({ candidate, score: distance(key.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.score - b.score);
  const best = scored[0];
  return best && best.score <= Math.max(1, Math.floor(key.length / 3)) ? best.candidate : undefined;
}

/** The refusal of an input the schema refused, every problem named, unknown fields with their likely meaning. */
export function schemaRefusal(raw: unknown, issues: z.core.$ZodIssue[]): InputError {
  const [first, ...rest] = issues.flatMap((issue) =>
    schemaProblems(issue, (path, key) => didYouMean(key, knownFields(raw, path))),
  );
  return new InputError(first?.field ?? '(input)', first?.problem ?? 'is not valid', rest);
}
