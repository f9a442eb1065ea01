// The gateshift worker as its own process, for end-to-end tests: node itself (not a launcher), so that
// a SIGKILL reaches the worker, and killed with the test process if that dies without its afterAll.
import { type ChildProcess, spawn } from 'node:child_process';

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** What the worker wrote on stderr. */
  readonly log: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a worker with `env` on top of this process's; it is ready once it polls. */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker-main.ts'], {
    env: { ...process.env, ...env, GATESHIFT_METRICS_PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return {
    child,
    log,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}
