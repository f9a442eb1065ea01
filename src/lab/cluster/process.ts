// A server child process whose output goes to a log file, killed at the latest when the test process exits.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

const KILL_AFTER_MS = 10_000;

export interface ServerProcess {
  /** Rejects once the process has exited, with the end of its log. */
  readonly exited: Promise<never>;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process is gone. */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: the process keeps its sockets but answers nothing meanwhile (an outage). */
  pause(): void;
  resume(): void;
}

export function startServer(name: string, binary: string, args: string[], logFile: string): ServerProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', log, log] });
  closeSync(log);

  let spawnError = '';
  const gone = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // A binary that could not be spawned emits 'error' and never 'exit'.
    child.once('error', (error) => {
      spawnError = `: ${error.message}`;
      resolve();
    });
  });
  // A test process that exits without its afterAll must not leave servers behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void gone.then(() => process.off('exit', killOnExit));

  const exited = gone.then((): never => {
    const how = spawnError || ` (code ${child.exitCode}, signal ${child.signalCode})`;
    throw new Error(`${name} exited${how}; its log ends:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
  });
  exited.catch(() => {}); // observed by whoever races it; not an unhandled rejection otherwise

  return {
    exited,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      child.kill('SIGCONT');
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      await gone;
      clearTimeout(timer);
    },
  };
}
