// `npm run lab`: a lab alone, until Ctrl-C. By default the single-cluster lab: two kube-apiservers, the
// CLB and ASM API emulators, the CLB proxies, the CCM, kubelet and ASM simulators, the gateways,
// Prometheus and steady load. With `--driver virtualservice`, the canary-cluster lab: the source and
// the target cluster, their gateway pods and backends, the source cluster's istiod, Prometheus and
// steady load. It writes the environment a gateshift worker needs into a file (mode 0600: it may hold
// the lab's API key) and serves the faults API.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { canaryClusterFaultChanges, canaryClusterFaults } from '../src/lab/canary-cluster/faults.js';
import { startCanaryClusterLab } from '../src/lab/canary-cluster/index.js';
import { labFaultChanges, startFaultsApi } from '../src/lab/faults-api.js';
import { type LabStart, startLab } from '../src/lab/index.js';
import { CLB_ANNOTATION, VIRTUALSERVICE } from '../src/plan/index.js';
import { BACKEND_MODES, type BackendMode } from '../src/plan/weights.js';

const STARTS: LabStart[] = ['istio-serving', 'raw', 'asm-serving'];
const LABS = [CLB_ANNOTATION, VIRTUALSERVICE] as const;
type LabKind = (typeof LABS)[number];

interface Options {
  driver: LabKind;
  rps: number;
  faultsPort: number;
  workerEnv: string;
  start: LabStart;
  backendMode: BackendMode;
}

interface Running {
  workerEnv: Record<string, string>;
  /** What to tell the user, one line each, after the worker environment and the faults API. */
  lines: string[];
  faultsApi: { url: string; stop(): Promise<void> };
  stop(): Promise<void>;
}

const log = (line: string) => process.stdout.write(`lab: ${line}\n`);

async function clusterLab(options: Options): Promise<Running> {
  const lab = await startLab({ start: options.start, backendMode: options.backendMode, rps: options.rps, log });
  return {
    workerEnv: lab.workerEnv,
    lines: [
      `CLB listeners: ${lab.proxies.map((proxy) => `127.0.0.1:${proxy.port}`).join(', ')}`,
      `Prometheus: ${lab.prometheusUrl}`,
      `ASM OpenAPI: ${lab.asmApi.endpoint} (ServiceMeshId ${lab.meshId})`,
    ],
    faultsApi: await startFaultsApi(lab.faults, labFaultChanges, options.faultsPort),
    stop: () => lab.stop(),
  };
}

async function canaryClusterLab(options: Options): Promise<Running> {
  const lab = await startCanaryClusterLab({ rps: options.rps, log });
  return {
    workerEnv: lab.workerEnv,
    lines: [
      `source gateway pods: ${lab.sourceGateways.map((pod) => `${pod.podName} ${pod.ip}`).join(', ')}`,
      `source istiod (debug/syncz, debug/config_dump): ${lab.istiodUrl}`,
      `target ingress: ${lab.targetIngress}`,
      `Prometheus: ${lab.prometheusUrl}`,
      `faults: POST {"targetLatencyMs":1500} or {"staleGatewayPod":"${lab.sourceGateways[0]?.podName}"} (null clears)`,
    ],
    faultsApi: await startFaultsApi(canaryClusterFaults(lab), canaryClusterFaultChanges, options.faultsPort),
    stop: () => lab.stop(),
  };
}

const program = new Command('lab')
  .description('run a lab under load: by default one cluster with an Istio and an ASM gateway behind two CLBs')
  .option(
    '--driver <kind>',
    `which lab: ${CLB_ANNOTATION} (also the asm-gateway-canary's, with --start asm-serving) or ${VIRTUALSERVICE} (two clusters)`,
    (value: string) => {
      if (!LABS.includes(value as LabKind)) throw new Error(`--driver must be one of ${LABS.join(', ')}`);
      return value as LabKind;
    },
    CLB_ANNOTATION,
  )
  .option('--rps <n>', 'requests per second of the load generator (0: none)', (value) => Number(value), 200)
  .option('--faults-port <port>', 'port of the faults API', (value) => Number(value), 8480)
  // Not --env-file: tsx hands that to Node wherever it stands, and Node then loads the file itself.
  .option('--worker-env <path>', 'where the worker environment goes', '.gateshift/lab.env')
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
  .action(async (options: Options) => {
    const clbOnly = ['start', 'backendMode'].filter((name) => program.getOptionValueSource(name) === 'cli');
    if (options.driver === VIRTUALSERVICE && clbOnly.length > 0)
      throw new Error(`--start and --backend-mode are options of the ${CLB_ANNOTATION} lab`);
    process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';
    const running = options.driver === VIRTUALSERVICE ? await canaryClusterLab(options) : await clusterLab(options);
    const envFile = resolve(options.workerEnv);
    mkdirSync(resolve(envFile, '..'), { recursive: true });
    const lines = Object.entries(running.workerEnv).map(([key, value]) => `${key}=${value}`);
    writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
    process.stdout.write(
      [
        `worker environment: ${envFile} (run a worker with: set -a; . ${envFile}; npm start)`,
        `faults API: ${running.faultsApi.url} (GET to read, POST {"targetErrorRatio":0.3} to set)`,
        ...running.lines,
        'Ctrl-C stops the lab.\n',
      ].join('\n'),
    );
    process.once('SIGINT', () => {
      void Promise.all([running.faultsApi.stop(), running.stop()]).then(() => process.exit(0));
    });
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`lab failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
