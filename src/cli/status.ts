// `gateshift status <id>` and `gateshift watch <id>`; both exit with the code of the migration's outcome.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import { parseDuration } from '../plan/index.js';
import { withClient } from './client.js';
import { CliExit } from './errors.js';
import { exitCodeOf } from './exit-codes.js';
import { loadStatusView } from './inspect.js';
import { formatStatus } from './status-format.js';
import { isFinished } from './view.js';

const CLEAR_SCREEN = '\x1b[2J\x1b[H';

export async function statusCommand(workflowId: string, options: { json?: boolean }): Promise<void> {
  const view = await withClient((client) => loadStatusView(client, workflowId));
  process.stdout.write(options.json ? `${JSON.stringify(view, null, 2)}\n` : formatStatus(view, new Date()));
  process.exitCode = exitCodeOf(view);
}

export async function watchCommand(workflowId: string, options: { interval: string }): Promise<void> {
  const intervalMs = parseDuration(options.interval);
  if (!intervalMs) throw new CliExit(2, `--interval: "${options.interval}" is not a duration such as "2s" or "1m"`);
  const tty = Boolean(process.stdout.isTTY);
  await withClient(async (client) => {
    let previous = '';
    for (;;) {
      let screen: string;
      let changeKey: string;
      let finished = false;
      try {
        const view = await loadStatusView(client, workflowId);
        screen = formatStatus(view, new Date());
        changeKey = JSON.stringify(view);
        finished = isFinished(view);
        if (finished) process.exitCode = exitCodeOf(view);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw error;
        screen = `cannot read ${workflowId}: ${(error as Error).message} (retrying every ${options.interval})\n`;
        changeKey = screen;
      }
      // Without a terminal, print only what changed so that logs stay readable.
      if (tty) process.stdout.write(CLEAR_SCREEN + screen);
      else if (changeKey !== previous) process.stdout.write(`${previous ? '\n' : ''}${screen}`);
      previous = changeKey;
      if (finished) return;
      await sleep(intervalMs);
    }
  });
}
