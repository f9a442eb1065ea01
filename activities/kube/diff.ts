// A readable difference between two JSON values, one line per changed leaf, like `kubectl diff` in brief.

export interface Change {
  /** `spec.selector.istio`, `spec.http[0].route[1].weight`, `metadata.annotations["a/b"]` */
  path: string;
  /** Absent when the leaf is added. */
  before?: unknown;
  /** Absent when the leaf is removed. */
  after?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Leaf-level changes from `before` to `after`; arrays are compared element by element. */
export function diffValues(before: unknown, after: unknown, path = ''): Change[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffValues(before[key], after[key], child(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => diffValues(before[i], after[i], child(path, i))).flat();
  }
  if (before === undefined && after === undefined) return [];
  if (before === undefined && (isObject(after) || Array.isArray(after)))
    return diffValues(emptyLike(after), after, path);
  if (after === undefined && (isObject(before) || Array.isArray(before)))
    return diffValues(before, emptyLike(before), path);
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const change: Change = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return [change];
}

function emptyLike(value: object): object {
  return Array.isArray(value) ? [] : {};
}

/** `current`, reduced to the keys that `shape` has (recursively through objects): what a verify compares. */
export function projectOnto(current: unknown, shape: unknown): unknown {
  if (!isObject(shape) || !isObject(current)) return current;
  return Object.fromEntries(
    Object.keys(shape)
      .filter((key) => current[key] !== undefined)
      .map((key) => [key, projectOnto(current[key], shape[key])]),
  );
}

export function formatChange(change: Change): string {
  const show = (value: unknown) => JSON.stringify(value);
  if (!('before' in change)) return `+ ${change.path}: ${show(change.after)}`;
  if (!('after' in change)) return `- ${change.path}: ${show(change.before)}`;
  return `~ ${change.path}: ${show(change.before)} → ${show(change.after)}`;
}
