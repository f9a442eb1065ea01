// Reading an RPC request's parameters: scalars and flattened lists (`ResourceId.1`, `Tag.1.Key`).
import { invalidParameter, missingParameter } from './errors.js';

export class Params {
  constructor(private readonly values: Record<string, string>) {}

  optional(name: string): string | undefined {
    const value = this.values[name];
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) throw missingParameter(name);
    return value;
  }

  int(name: string, min: number, max: number): number | undefined {
    const value = this.optional(name);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) throw invalidParameter(name);
    return number;
  }

  bool(name: string): boolean {
    const value = this.optional(name);
    if (value === undefined || value === 'false') return false;
    if (value === 'true') return true;
    throw invalidParameter(name);
  }

  /** `Name.1`, `Name.2`, … in index order. */
  list(name: string): string[] {
    return this.indexes(name).map((index) => this.optional(`${name}.${index}`) ?? '');
  }

  /** `Name.N.Key` / `Name.N.Value` pairs in index order. */
  pairs(name: string): { key: string; value?: string }[] {
    return this.indexes(name).map((index) => ({
      key: this.optional(`${name}.${index}.Key`) ?? '',
      value: this.optional(`${name}.${index}.Value`),
    }));
  }

  private indexes(name: string): number[] {
    const pattern = new RegExp(`^${name}\\.(\\d+)(\\.|$)`);
    const indexes = new Set<number>();
    for (const key of Object.keys(this.values)) {
      const match = pattern.exec(key);
      if (match) indexes.add(Number(match[1]));
    }
    return [...indexes].sort((a, b) => a - b);
  }
}
