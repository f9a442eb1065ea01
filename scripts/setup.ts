// `npm run setup`: installs the third-party tools that development and tests need, into a cache
// outside the clone. A tool already on PATH or named by its environment variable wins. Every tool
// being built or fetched prints one line, even with --quiet; --quiet hides only "already installed".
import { Command } from 'commander';
import { setQuiet } from './tools/cache.js';
import { ensureDockerCompose } from './tools/docker-compose.js';
import { ensureHadolint } from './tools/hadolint.js';
import { ensureEtcd, ensureKubeApiserver } from './tools/kube.js';
import { ensureNode24 } from './tools/node.js';
import { ensurePrometheus } from './tools/prometheus.js';
import { ensurePrometheusOperatorCrds } from './tools/prometheus-operator-crds.js';
import { ensureTemporalCli } from './tools/temporal-cli.js';
import { ensureTestServer } from './tools/test-server.js';

/** What `npm run setup` (and every `npm test`) installs. */
const installers: Record<string, () => Promise<string>> = {
  'temporal-cli': ensureTemporalCli,
  'temporal-test-server': ensureTestServer,
  'kube-apiserver': ensureKubeApiserver,
  etcd: ensureEtcd,
  prometheus: ensurePrometheus,
  'prometheus-operator-crds': ensurePrometheusOperatorCrds,
  hadolint: ensureHadolint,
  'docker-compose': ensureDockerCompose,
};
/** Installed only when named. */
const optional: Record<string, () => Promise<string>> = {
  'node-24': ensureNode24,
};

const known = () => [...Object.keys(installers), ...Object.keys(optional)].join(', ');

const program = new Command('setup')
  .description('install the tools gateshift needs for development and tests')
  .argument('[tools...]', `tools to install (default: all but node-24): ${known()}`)
  .option('--quiet', 'print only the tools being built or fetched, not those already installed')
  .action(async (names: string[], options: { quiet?: boolean }) => {
    setQuiet(Boolean(options.quiet));
    const selected = names.length > 0 ? names : Object.keys(installers);
    for (const name of selected) {
      const install = installers[name] ?? optional[name];
      if (!install) throw new Error(`unknown tool '${name}'; known: ${known()}`);
      const path = await install();
      if (!options.quiet) process.stderr.write(`[setup] ${name}: ${path}\n`);
    }
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`[setup] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
