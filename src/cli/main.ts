// The `gateshift` command: a thin layer over the Temporal client. Exit codes (exit-codes.ts): 0 done
// (running or completed), 1 refused or failed, 2 bad usage or input, 3 rolled back.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { approve, approveAll, defaultUser, pause, resume, rollback, skipSoak } from './controls.js';
import { CliExit } from './errors.js';
import { EXIT } from './exit-codes.js';
import { listCommand } from './list.js';
import { planCommand } from './plan.js';
import { startCommand } from './start.js';
import { statusCommand, watchCommand } from './status.js';

function phaseIndex(value: string): number {
  const index = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(index))
    throw new InvalidArgumentError('must be a phase index (0, 1, 2, …)');
  return index;
}

const byOption = () => new Option('--by <name>', 'who acts (GATESHIFT_USER, else the OS user)').default(defaultUser());

const program = new Command('gateshift')
  .description('start and steer gateshift migrations on Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, …)')
  .exitOverride()
  .showHelpAfterError();

program
  .command('start')
  .description('validate a migration input (JSON or YAML), start its workflow, wait for its locks and pre-flight')
  .argument('<file>', 'migration input file')
  .option('--id <id>', 'workflow id (default: gateshift-<first resource>-<UTC yyyymmdd-hhmmss>)')
  .option('--wait', 'wait for the end, not only the pre-flight; exit 0 completed, 1 failed, 3 rolled back')
  .option('--no-wait', 'return once started, without waiting for the locks and the pre-flight')
  .action(startCommand);

program
  .command('plan')
  .description(
    'validate a migration input and preview it on the worker, writing nothing: the pre-flight, every step with its writes and approval, and the share each CLB will apply in each phase; exit 0 ready, 1 blocked by the pre-flight, 2 bad input',
  )
  .argument('<file>', 'migration input file')
  .option('--json', 'print the preview as JSON')
  .option('--id <id>', 'workflow id of the preview (default: gateshift-preview-<first resource>-<UTC yyyymmdd-hhmmss>)')
  .action(planCommand);

program
  .command('approve')
  .description('approve the next step (a phase, an action, completion); --all-remaining: every step still to come')
  .argument('<id>', 'workflow id')
  .addOption(byOption())
  .option('--comment <text>', 'recorded with the approval')
  .option('--phase <n>', 'the phase index you mean, refused if the migration is elsewhere', phaseIndex)
  .option(
    '--all-remaining',
    'approve the waiting step and every later one as it comes, once its soak passed (still verified and analysed; a step that cannot be undone still waits for its own approval)',
  )
  .option('--reason <text>', 'why, for --all-remaining (recorded)')
  .action(
    (
      id: string,
      options: { by: string; comment?: string; phase?: number; allRemaining?: boolean; reason?: string },
    ) => {
      if (!options.allRemaining) return approve(id, { by: options.by, comment: options.comment, phase: options.phase });
      if (!options.reason)
        throw new CliExit(EXIT.usage, '--all-remaining needs --reason: why every remaining step may go ahead');
      if (options.phase !== undefined)
        throw new CliExit(EXIT.usage, '--all-remaining approves every phase: leave out --phase');
      return approveAll(id, { by: options.by, reason: options.reason });
    },
  );

program
  .command('skip-soak')
  .description('end the running soak now, as if its time had run out (the analysis so far gives the verdict)')
  .argument('<id>', 'workflow id')
  .requiredOption('--reason <text>', 'why')
  .addOption(byOption())
  .action((id: string, options: { by: string; reason: string }) => skipSoak(id, options));

program
  .command('pause')
  .description('hold the migration where it is')
  .argument('<id>', 'workflow id')
  .requiredOption('--reason <text>', 'why')
  .addOption(byOption())
  .action((id: string, options: { by: string; reason: string }) => pause(id, options));

program
  .command('resume')
  .description('continue a paused migration')
  .argument('<id>', 'workflow id')
  .addOption(byOption())
  .action((id: string, options: { by: string }) => resume(id, options));

program
  .command('rollback')
  .description('restore the start state (100/0 on every resource) and end the migration')
  .argument('<id>', 'workflow id')
  .requiredOption('--reason <text>', 'why')
  .addOption(byOption())
  .action((id: string, options: { by: string; reason: string }) => rollback(id, options));

program
  .command('status')
  .description(
    'show where the migration is, its steps, resources, pre-flight, analysis and action log; exit 0 running or completed, 1 failed, 3 rolled back',
  )
  .argument('<id>', 'workflow id')
  .option('--json', 'print the status as JSON')
  .action(statusCommand);

program
  .command('watch')
  .description('redraw the status until the migration ends; exit as status does')
  .argument('<id>', 'workflow id')
  .option('--interval <duration>', 'time between two redraws', '2s')
  .action(watchCommand);

program
  .command('list')
  .description('list migrations (running ones unless --all): state, position, weights, what each waits for')
  .option('--all', 'include closed migrations')
  .action(listCommand);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the message or the help already.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof CliExit) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = error.code;
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
