// `npm run temporal -- <args>`: the project's Temporal CLI (the one `npm run dev` runs, from the tool
// cache; fetched on first use), so that README commands work without a `temporal` on PATH. It talks
// to 127.0.0.1:7233, the dev server, unless TEMPORAL_ADDRESS or --address says otherwise.
import { spawn } from 'node:child_process';
import { ensureTemporalCli, findTemporalCli } from './tools/temporal-cli.js';

const cli = findTemporalCli() ?? (await ensureTemporalCli());
const child = spawn(cli, process.argv.slice(2), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
