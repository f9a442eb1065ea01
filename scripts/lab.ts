// `npm run lab`: the lab alone, until Ctrl-C: two kube-apiservers, the CLB and ASM API emulators, the
// CLB proxies, the CCM, kubelet and ASM simulators, the gateways, Prometheus and steady load. It
// writes the environment a gateshift worker needs into a file (mode 0600: it holds the lab's API key)
// and serves the faults API.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { startFaultsApi } from '../src/lab/faults-api.js';
import { type LabStart, startLab } from '../src/lab/index.js';
import { BACKEND_MODES, type BackendMode } from '../src/plan/weights.js';

const STARTS: LabStart[] = ['istio-serving', 'raw', 'asm-serving'];

const program = new Command('lab')
  .description('run the lab: a cluster with an Istio and an ASM gateway behind two CLBs, under load')
  .option('--rps <n>', 'requests per second of the load generator (0: none)', (value) => Number(value), 200)
  .option('--faults-port <port>', 'port of the faults API', (value) => Number(value), 8480)
  .option('--env-file <path>', 'where the worker environment goes', '.gateshift/lab.env')
  .option(
    '--start <start>',
    `istio-serving (before a migration, prepared), raw (before the ASM procedure: the migration prepares it) or asm-serving (before an ASM gateway canary upgrade)`,
    (value: string) => {
      if (!STARTS.includes(value as LabStart)) throw new Error(`--start must be one of ${STARTS.join(', ')}`);
      return value as LabStart;
    },
    'istio-serving',
  )
  .option(
    '--backend-mode <mode>',
    'what the CCM makes the CLB backends: eni (the pods), cluster (every node) or local (the nodes running the pods)',
    (value: string) => {
      if (!BACKEND_MODES.includes(value as BackendMode))
        throw new Error(`--backend-mode must be one of ${BACKEND_MODES.join(', ')}`);
      return value as BackendMode;
    },
    'eni',
  )
  .action(
    async (options: {
      rps: number;
      faultsPort: number;
      envFile: string;
      start: LabStart;
      backendMode: BackendMode;
    }) => {
      process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';
      const lab = await startLab({
        start: options.start,
        backendMode: options.backendMode,
        rps: options.rps,
        log: (line) => process.stdout.write(`lab: ${line}\n`),
      });
      const api = await startFaultsApi(lab.faults, options.faultsPort);
      const envFile = resolve(options.envFile);
      mkdirSync(resolve(envFile, '..'), { recursive: true });
      const lines = Object.entries(lab.workerEnv).map(([key, value]) => `${key}=${value}`);
      writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
      process.stdout.write(
        [
          `worker environment: ${envFile} (run a worker with: set -a; . ${envFile}; npm start)`,
          `faults API: ${api.url} (GET to read, POST {"targetErrorRatio":0.3} to set)`,
          `CLB listeners: ${lab.proxies.map((proxy) => `127.0.0.1:${proxy.port}`).join(', ')}`,
          `Prometheus: ${lab.prometheusUrl}`,
          `ASM OpenAPI: ${lab.asmApi.endpoint} (ServiceMeshId ${lab.meshId})`,
          'Ctrl-C stops the lab.\n',
        ].join('\n'),
      );
      process.once('SIGINT', () => {
        void Promise.all([api.stop(), lab.stop()]).then(() => process.exit(0));
      });
    },
  );

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`lab failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
