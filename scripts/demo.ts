// `npm run demo`: the README's main command. Starts the Temporal dev server (Web UI on 8233), the lab
// and the gateshift worker, runs one driver's migration under steady load (by default the CLB migration
// of the lab's two CLBs through all five phases), prints live progress, and writes a report and a chart.
// `--scenario breach` injects the driver's fault, and the analysis rolls the migration back by itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { Command, Option } from 'commander';
import { MIGRATION_WORKFLOW } from '../src/api/names.js';
import type { MigrationResult } from '../src/api/status.js';
import { migrationStartOptions } from '../src/cli/start-text.js';
import { DEMOS, type Outcome, type Scenario } from '../src/lab/demo/index.js';
import { buildPlan, type DriverKind } from '../src/plan/index.js';
import { createLogger, startWorker } from '../src/worker.js';
import { startDevServer } from './tools/dev-server.js';
import { ensureEtcd, ensureKubeApiserver } from './tools/kube.js';
import { ensurePrometheus } from './tools/prometheus.js';
import { ensureTemporalCli } from './tools/temporal-cli.js';

interface DemoOptions {
  driver: DriverKind;
  autoApprove?: boolean;
  scenario: Scenario;
  report: string;
  chart?: string;
  soak: number;
  rps: number;
  temporalPort: number;
  uiPort: number;
  exit?: boolean;
  prepared?: boolean;
}

const program = new Command('demo')
  .description("run one of gateshift's migrations in the lab, under load")
  .addOption(
    new Option(
      '--driver <kind>',
      "which migration: the CLB migration, the ASM gateway's canary upgrade, or the canary-cluster migration",
    )
      .choices(Object.keys(DEMOS))
      .default('clb-annotation'),
  )
  .option('--auto-approve', 'advance after every passing soak instead of waiting for approvals')
  .option(
    '--prepared',
    'start from the prepared lab (CLB migration: both CLBs annotated, the ASM gateway running, the routing copied) instead of the raw one',
  )
  .addOption(
    new Option('--scenario <name>', 'happy: the whole migration; breach: the new side fails on the way')
      .choices(['happy', 'breach'])
      .default('happy'),
  )
  .option('--report <path>', 'where the JSON report goes', 'demo-report.json')
  .option('--chart <path>', 'where the SVG chart goes (default: the report path with .svg)')
  .option('--soak <seconds>', 'soak of each phase', (value) => Number(value), 20)
  .option('--rps <n>', 'requests per second of the load generator', (value) => Number(value), 200)
  .option('--exit', 'stop the server at the end instead of keeping it up for a look (the default without a terminal)')
  .option('--temporal-port <port>', 'the dev server frontend port', (value) => Number(value), 7233)
  .option('--ui-port <port>', 'the Temporal Web UI port', (value) => Number(value), 8233);

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(options: DemoOptions): Promise<number> {
  // A development machine is not an ECS instance: no RAM-role lookups through the metadata service.
  process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';
  say('gateshift demo: bootstrapping tools (cached after the first run)');
  for (const ensure of [ensureTemporalCli, ensureKubeApiserver, ensureEtcd, ensurePrometheus]) await ensure();

  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => {});
  };
  // At the end the demo waits for Ctrl-C, which then stops everything; before that it interrupts the run.
  let endWait: (() => void) | undefined;
  process.once('SIGINT', () => {
    if (endWait) return endWait();
    say('\ninterrupted: stopping the worker, the lab and the server');
    void cleanup().then(() => process.exit(130));
  });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'gateshift-demo-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const server = await startDevServer({
      port: options.temporalPort,
      uiPort: options.uiPort,
      dbFile: join(dir, 'temporal.db'),
      // The server's own banner and logs stay out of the demo's output; its address is said below.
      quiet: true,
    });
    cleanups.push(() => server.stop());
    say(`Temporal dev server on ${server.address}, Web UI ${server.uiUrl ?? '(none)'}`);

    const demo = DEMOS[options.driver];
    say(`demo: ${demo.title}`);
    const prepared = Boolean(options.prepared);
    const lab = await demo.startLab({ rps: options.rps, prepared, log: (line) => say(`lab: ${line}`) });
    cleanups.push(() => lab.stop());
    Object.assign(process.env, lab.workerEnv);
    const worker = await startWorker({
      env: { ...process.env, TEMPORAL_ADDRESS: server.address, GATESHIFT_METRICS_PORT: '0' },
      logger: createLogger({ LOG_LEVEL: 'error' }),
      handleSignals: false,
    });
    cleanups.push(() => worker.shutdown());

    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection });
    const id = `lab-migration-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
    const input = demo.input({ autoApprove: Boolean(options.autoApprove), soakSec: options.soak, prepared });
    // As `gateshift start` does: the Web UI's search attributes, summary and plan from the start.
    const handle = await client.workflow.start(MIGRATION_WORKFLOW, {
      ...migrationStartOptions(buildPlan(input)),
      workflowId: id,
      args: [input],
    });
    say(
      `migration ${id} started (${options.scenario} scenario, ${options.autoApprove ? 'automatic' : 'manual'} approval)`,
    );

    const progress = await demo.follow({
      handle,
      lab,
      scenario: options.scenario,
      autoApprove: Boolean(options.autoApprove),
      uiUrl: server.uiUrl,
      print: say,
    });
    let outcome: Outcome;
    let rollback: MigrationResult['rollback'];
    try {
      const result = (await handle.result()) as MigrationResult;
      outcome = result.outcome;
      rollback = result.rollback;
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      say(`migration failed: ${error.cause?.message ?? error.message}`);
      outcome = 'failed';
    }
    if (options.scenario === 'breach') await demo.clearFaults(lab);
    // A few more seconds of traffic show where it settled.
    await new Promise((resolveWait) => setTimeout(resolveWait, 3000));
    const record = lab.load ? await lab.load.stop() : undefined;
    if (!record) throw new Error('the lab ran without load');
    const { report, chart, summary } = await demo.end({ outcome, scenario: options.scenario, record, progress });
    const reportPath = resolve(options.report);
    const chartPath = resolve(options.chart ?? `${reportPath.replace(/\.json$/, '')}.svg`);
    writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(chartPath, chart);
    say('');
    for (const line of summary) say(line);
    if (rollback) say(`  rolled back by ${rollback.by} at ${rollback.at}: ${rollback.reason}`);
    say(`report: ${reportPath}`);
    say(`chart:  ${chartPath}`);
    // Someone at a terminal may want to look at the migration after it ended: keep the server and worker.
    if (!options.exit && process.stdout.isTTY) {
      say('');
      say(`the server stays up for a look: npm run gateshift -- status ${id}`);
      if (server.uiUrl) say(`  the Web UI: ${server.uiUrl}/namespaces/default/workflows/${id}`);
      say('Ctrl-C stops the worker, the lab and the server.');
      await new Promise<void>((resolveWait) => {
        endWait = resolveWait;
      });
    }
    const expected = options.scenario === 'breach' ? 'rolled-back' : 'completed';
    return report.result === expected ? 0 : 1;
  } finally {
    await cleanup();
  }
}

program.action(async (options: DemoOptions) => {
  process.exitCode = await main(options);
});
program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
