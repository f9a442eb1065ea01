// `npm run setup`: installs the third-party servers that development and tests need, into a cache
// outside the clone. A tool already on PATH or named by its environment variable wins.
import { Command } from 'commander';
import { setQuiet } from './tools/cache.js';
import { ensureEtcd, ensureKubeApiserver } from './tools/kube.js';
import { ensurePrometheus } from './tools/prometheus.js';
import { ensureTemporalCli } from './tools/temporal-cli.js';
import { ensureTestServer } from './tools/test-server.js';

const installers: Record<string, () => Promise<string>> = {
  'temporal-cli': ensureTemporalCli,
  'temporal-test-server': ensureTestServer,
  'kube-apiserver': ensureKubeApiserver,
  etcd: ensureEtcd,
  prometheus: ensurePrometheus,
};

const program = new Command('setup')
  .description('install the tools gateshift needs for development and tests')
  .argument('[tools...]', `tools to install (default: all): ${Object.keys(installers).join(', ')}`)
  .option('--quiet', 'print nothing when every tool is already installed')
  .action(async (names: string[], options: { quiet?: boolean }) => {
    setQuiet(Boolean(options.quiet));
    const selected = names.length > 0 ? names : Object.keys(installers);
    for (const name of selected) {
      const install = installers[name];
      if (!install) throw new Error(`unknown tool '${name}'; known: ${Object.keys(installers).join(', ')}`);
      const path = await install();
      if (!options.quiet) process.stderr.write(`[setup] ${name}: ${path}\n`);
    }
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`[setup] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
