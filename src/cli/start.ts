// `gateshift start <file>`: validate locally, start the migration workflow, and wait until it holds its
// locks and has passed its pre-flight, or failed them (`--no-wait`: return once started; `--wait`: wait
// for the end). The exit code says how it went (exit-codes.ts).
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { MIGRATION_WORKFLOW, TASK_QUEUE } from '../api/names.js';
import type { MigrationResult } from '../api/status.js';
import { stateWords, whereLabel } from '../api/wording.js';
import type { MigrationPlan } from '../plan/index.js';
import { awaitPreflight, type WaitOptions } from './await-preflight.js';
import { checklistLines } from './checklist-lines.js';
import { withClient } from './client.js';
import { CliExit } from './errors.js';
import { EXIT } from './exit-codes.js';
import { failureLines } from './failure-lines.js';
import { formatResult } from './format.js';
import { readInputFile, validateInput } from './input.js';
import { migrationStartOptions, nextStepsText } from './start-text.js';

/** The workflow as the client sees it: the raw input in, the result out. */
type MigrationWorkflow = (input: unknown) => Promise<MigrationResult>;

export interface StartOptions {
  id?: string;
  /** true: wait for the end; false: return once started; absent: wait for the pre-flight. */
  wait?: boolean;
}

/** `<prefix>-<first resource, e.g. clb-lb-…>-<UTC yyyymmdd-hhmmss>` */
export function defaultWorkflowId(plan: MigrationPlan, now: Date, prefix = 'gateshift'): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${prefix}-${(plan.locks[0] ?? plan.kind).replaceAll('/', '-')}-${stamp}`;
}

function ended(outcome: { result?: MigrationResult; error?: unknown }, say: (line: string) => void): number {
  if (outcome.result) {
    say(formatResult(outcome.result));
    return outcome.result.outcome === 'completed' ? EXIT.ok : EXIT.rolledBack;
  }
  for (const line of failureLines(outcome.error)) say(line);
  return EXIT.failed;
}

/** Starts the migration of `raw` and reports through `say`; returns the exit code. */
export async function startMigration(
  client: Client,
  raw: unknown,
  plan: MigrationPlan,
  options: StartOptions & { workflowId: string; waitOptions?: WaitOptions },
  say: (line: string) => void,
): Promise<number> {
  const { workflowId } = options;
  const handle = await client.workflow
    .start<MigrationWorkflow>(MIGRATION_WORKFLOW, { ...migrationStartOptions(plan), workflowId, args: [raw] })
    .catch((error: unknown) => {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw new CliExit(EXIT.failed, `a workflow with id ${workflowId} is already running`);
      throw error;
    });
  say(`started migration ${workflowId}`);
  if (options.wait === false) {
    say(nextStepsText(workflowId));
    return EXIT.ok;
  }
  const outcome = await awaitPreflight(client, workflowId, options.waitOptions);
  if (outcome.kind === 'ended') return ended(outcome, say);
  if (outcome.kind === 'no-worker') {
    say(
      `no worker has picked it up in ${Math.round(outcome.waitedMs / 1000)} s: is a gateshift worker polling task queue "${TASK_QUEUE}" on this server? It starts once one does; \`gateshift status ${workflowId}\` follows it`,
    );
    return EXIT.failed;
  }
  const { status } = outcome;
  say(checklistLines(status.preflight ?? []).join('\n'));
  say(
    `now ${stateWords(status.state)}: ${whereLabel(status)}${status.waitingFor ? `, waiting for ${status.waitingFor}` : ''}`,
  );
  say(`\n${nextStepsText(workflowId)}`);
  if (!options.wait) return EXIT.ok;
  return ended(
    await handle.result().then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    ),
    say,
  );
}

export async function startCommand(file: string, options: StartOptions): Promise<void> {
  const raw = await readInputFile(file);
  const plan = validateInput(raw);
  const workflowId = options.id ?? defaultWorkflowId(plan, new Date());
  if (options.wait !== false)
    process.stderr.write(
      `starting ${workflowId}; then waiting for its locks and pre-flight (Ctrl-C stops waiting, not the migration)\n`,
    );
  process.exitCode = await withClient((client) =>
    startMigration(client, raw, plan, { ...options, workflowId }, (line) => process.stdout.write(`${line}\n`)),
  );
}
