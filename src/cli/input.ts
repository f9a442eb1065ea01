// Reading a migration input file (JSON or YAML) and validating it locally before anything starts. A
// file that is not one input object says where: line and column of a syntax error, several documents,
// nothing at all.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import YAML from 'yaml';
import { buildPlan, InputError, type MigrationPlan } from '../plan/index.js';
import { CliExit } from './errors.js';
import { jsonProblem } from './json-error.js';

export type InputFormat = 'json' | 'yaml';

/** By extension; otherwise JSON when the text opens like a JSON object or array. */
export function inputFormat(file: string, text: string): InputFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

const ONE_OBJECT = 'a migration input is one object (see examples/migration.yaml)';

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const problem = jsonProblem(text);
    if (!problem) throw new CliExit(2, `cannot parse ${file} as JSON: ${(error as Error).message}`);
    throw new CliExit(2, `cannot parse ${file}:${problem.line}:${problem.column} as JSON: ${problem.problem}`);
  }
}

function parseYaml(file: string, text: string): unknown {
  // A document left empty (a trailing "---") is no document.
  const documents = YAML.parseAllDocuments(text).filter((doc) => doc.errors.length > 0 || doc.toJS() != null);
  if (documents.length > 1)
    throw new CliExit(
      2,
      `${file} holds ${documents.length} YAML documents (separated by "---"): ${ONE_OBJECT}; keep the migration input alone in the file`,
    );
  const [document] = documents;
  const [error] = document?.errors ?? [];
  if (error) {
    const [at] = error.linePos ?? [];
    const where = at ? `${file}:${at.line}:${at.col}` : file;
    throw new CliExit(2, `cannot parse ${where} as YAML: ${error.message.split(' at line ')[0]}`);
  }
  return document?.toJS();
}

/** The raw input object of a file; exit 2 when it cannot be read, is empty or cannot be parsed (with line:column). */
export async function readInputFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliExit(2, `cannot read ${file}: ${(error as Error).message}`);
  }
  const raw = inputFormat(file, text) === 'json' ? parseJson(file, text) : parseYaml(file, text);
  if (raw === null || raw === undefined) throw new CliExit(2, `${file} is empty: ${ONE_OBJECT}`);
  return raw;
}

/** One `invalid input: <field>: <problem>` line per problem, the first problem first (an InputError, or its details). */
export function inputErrorLines(error: Pick<InputError, 'field' | 'problem' | 'others'>): string[] {
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
