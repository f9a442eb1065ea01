// A refused input, and the messages that name its fields. They never quote a refused value: it could be
// a secret pasted in the wrong place.
import type { z } from 'zod';
import type { Problem } from './drivers/driver.js';
import { looksLikeCredential } from './schema-parts.js';

/** A refused input: `field` is the path of the offending value, e.g. `traffic.loadBalancers[1].id`. */
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

/** `traffic.loadBalancers[1].id`; keys that are not identifiers are quoted: `traffic.source.selector["app.kubernetes.io/name"]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (!/^[A-Za-z_$][\w$]*$/.test(String(part))) out += `[${JSON.stringify(String(part))}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(input)';
}

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

// Messages for the issues that carry no message of their own in the schema.
export function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
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
    case 'invalid_union':
      // A discriminated union refuses its `kind` this way: say which kinds there are.
      if (issue.note === 'No matching discriminator' && Array.isArray(issue.options)) {
        const kinds = (issue.options as unknown[]).map((option) => JSON.stringify(option)).join(', ');
        const value = (issue.input as Record<string, unknown> | undefined)?.[String(issue.discriminator)];
        return value === undefined ? `is required: one of ${kinds}` : `must be one of ${kinds}`;
      }
      return undefined;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return undefined;
  }
}

/** `suggest`: the known field an unknown one probably means, given where it is. */
export function schemaProblems(
  issue: z.core.$ZodIssue,
  suggest: (path: PropertyKey[], key: string) => string | undefined = () => undefined,
): Problem[] {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => {
      if (looksLikeCredential(key))
        return {
          field: fieldPath([...issue.path, key]),
          problem: 'unknown field; credentials never go in the input: the worker holds them',
        };
      const meant = suggest(issue.path, key);
      return {
        field: fieldPath([...issue.path, key]),
        problem: `unknown field${meant ? `; did you mean "${meant}"?` : ''}`,
      };
    });
  if (issue.code === 'invalid_key')
    return [{ field: fieldPath(issue.path), problem: issue.issues[0]?.message ?? issue.message }];
  return [{ field: fieldPath(issue.path), problem: issue.message }];
}
