// Reading a migration input file (JSON or YAML) and validating it locally before anything starts.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import YAML from 'yaml';
import { buildPlan, InputError, type MigrationPlan } from '../plan/index.js';
import { CliExit } from './errors.js';

export type InputFormat = 'json' | 'yaml';

/** By extension; otherwise JSON when the text opens like a JSON object or array. */
export function inputFormat(file: string, text: string): InputFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/** The raw input object of a file; exit 2 when it cannot be read or parsed. */
export async function readInputFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliExit(2, `cannot read ${file}: ${(error as Error).message}`);
  }
  const format = inputFormat(file, text);
  try {
    return format === 'json' ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    throw new CliExit(2, `cannot parse ${file} as ${format.toUpperCase()}: ${(error as Error).message}`);
  }
}

/** One `invalid input: <field>: <problem>` line per problem, the first problem first. */
export function inputErrorLines(error: InputError): string[] {
  return [{ field: error.field, problem: error.problem }, ...error.others].map(
    ({ field, problem }) => `invalid input: ${field}: ${problem}`,
  );
}

/** The plan of a raw input; exit 2 with every problem named when the input is refused. */
export function validateInput(raw: unknown): MigrationPlan {
  try {
    return buildPlan(raw);
  } catch (error) {
    if (error instanceof InputError) throw new CliExit(2, inputErrorLines(error).join('\n'));
    throw error;
  }
}
