// The worker process (`npm start`) against a real dev server: one /metrics endpoint with gateshift's
// and the SDK's metrics, and a clean exit on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../scripts/tools/dev-server.js';
import { freePort } from '../../src/ports.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

let server: DevServer | undefined;
let worker: ChildProcess | undefined;
let metricsUrl = '';
let output = '';

beforeAll(async () => {
  server = await startDevServer({ uiPort: false, quiet: true });
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}`;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_')));
  // tsx itself rather than npx: npx does not pass SIGTERM on to the worker. Own process group, so
  // that afterAll can kill tsx and its node child together.
  worker = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['src/worker-main.ts'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      GATESHIFT_METRICS_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  worker.stdout?.on('data', collect);
  worker.stderr?.on('data', collect);
});

afterAll(async () => {
  if (worker?.pid && worker.exitCode === null && worker.signalCode === null) {
    const exited = once(worker, 'exit');
    process.kill(-worker.pid, 'SIGKILL');
    await exited;
  }
  await server?.stop();
});

/** Polls /metrics until `ready` holds; fails early with the worker's output if it exits. */
async function metricsWhen(ready: (body: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!worker || worker.exitCode !== null) throw new Error(`worker exited with ${worker?.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${metricsUrl}/metrics`);
      last = await response.text();
      if (response.ok && ready(last)) return last;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(
    `/metrics not ready within ${timeoutMs} ms; last body:\n${last.slice(0, 2000)}\nworker output:\n${output}`,
  );
}

describe('worker process', () => {
  it('serves gateshift and SDK metrics on one endpoint', async () => {
    // The endpoint answers while the workflows are still being bundled; the worker's own SDK series
    // appear once it runs.
    const body = await metricsWhen(
      (text) => /^temporal_worker_start\{/m.test(text) && /^temporal_num_pollers\{/m.test(text),
      90_000,
    );
    for (const name of [
      'gateshift_migrations',
      'gateshift_migration_phase',
      'gateshift_migration_weight',
      'gateshift_actions_total',
      'gateshift_approvals_total',
      'gateshift_rollbacks_total',
    ]) {
      expect(body).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'));
    }
    expect(body).toMatch(/^gateshift_migrations\{state="soaking"\} 0$/m);
    expect(body).toMatch(/^gateshift_rollbacks_total\{reason="breach"\} 0$/m);
    expect(body).toMatch(/^temporal_worker_start\{.*task_queue="gateshift".*\} 1$/m);
    expect(body).toMatch(/^temporal_num_pollers\{/m);
    expect(body).toMatch(/^process_cpu_seconds_total /m);

    const health = await fetch(`${metricsUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  it('exits 0 within 15 s of SIGTERM', async () => {
    const running = worker as ChildProcess;
    expect(running.exitCode).toBeNull();
    const exited = once(running, 'exit', { signal: AbortSignal.timeout(15_000) });
    running.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal, output: code === 0 ? '' : output }).toEqual({ code: 0, signal: null, output: '' });
  });
});
