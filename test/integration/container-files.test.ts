// The container image's files, without a Docker engine: hadolint passes on the Dockerfile at its strictest
// threshold (and does catch a bad one), the Dockerfile keeps its promises (Node 24, production deps only,
// a prebuilt workflow bundle, a non-root user, tini, a /healthz HEALTHCHECK), and the image's own commands
// work here: the bundle step, the worker started from that bundle against a real dev server, the
// HEALTHCHECK command against it, and a clean exit on SIGTERM.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DevServer, startDevServer } from '../../scripts/tools/dev-server.js';
import { findHadolint } from '../../scripts/tools/hadolint.js';
import { NODE_24_VERSION } from '../../scripts/tools/node.js';
import { freePort } from '../../src/ports.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
// Instructions with their continuation lines joined.
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.trimStart().startsWith('#'));
const stages = instructions.filter((line) => line.startsWith('FROM '));
/** The instructions of stage `index` (FROM line included). */
function stage(index: number): string[] {
  const start = instructions.indexOf(stages[index] ?? '');
  const next = stages[index + 1];
  return instructions.slice(start, next ? instructions.indexOf(next) : undefined);
}
const finalStage = stage(stages.length - 1);

function hadolint(args: string[], input?: string): { status: number | null; findings: Array<{ code: string }> } {
  const binary = findHadolint();
  if (!binary) throw new Error('hadolint is not installed: run `npm run setup -- hadolint`');
  const result = spawnSync(binary, ['--format', 'json', '--no-color', '--failure-threshold', 'style', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
  });
  return { status: result.status, findings: JSON.parse(result.stdout || '[]') };
}

function instruction(keyword: string, lines = finalStage): string {
  const found = lines.filter((line) => line.startsWith(`${keyword} `));
  expect(found, `one ${keyword} instruction`).toHaveLength(1);
  return found[0] as string;
}

describe('Dockerfile', () => {
  it('passes hadolint at the strictest threshold, with inline ignores disabled', () => {
    const result = hadolint(['--disable-ignore-pragma', 'Dockerfile']);
    expect(result.findings).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('is linted for real: a careless Dockerfile fails', () => {
    const result = hadolint(['-'], 'FROM node:latest\nRUN apt-get install curl\nCMD node worker.js\n');
    expect(result.status).not.toBe(0);
    expect(result.findings.map((finding) => finding.code)).toEqual(
      expect.arrayContaining(['DL3007', 'DL3008', 'DL3015', 'DL3025']),
    );
  });

  it('builds on Node 24 slim in stages, with production dependencies only', () => {
    expect(instructions).toContain(`ARG NODE_VERSION=${NODE_24_VERSION}`);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    // Every stage starts from the pinned Node image or from an earlier stage.
    const names = stages.map((line) => / AS (\w+)$/.exec(line)?.[1]);
    stages.forEach((line, index) => {
      const base = line.split(' ')[1] ?? '';
      if (!/^node:\$\{NODE_VERSION\}-bookworm-slim$/.test(base)) expect(names.slice(0, index)).toContain(base);
    });
    expect(instructions.some((line) => /^RUN npm ci --omit=dev\b/.test(line))).toBe(true);
    expect(
      instructions.filter((line) => /npm (ci|install)\b/.test(line)).every((line) => line.includes('--omit=dev')),
    ).toBe(true);
  });

  it('runs as a non-root user under tini, with a HEALTHCHECK on /healthz and the prebuilt bundle', () => {
    expect(instruction('USER')).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/);
    expect(instruction('ENTRYPOINT')).toBe('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(instruction('HEALTHCHECK')).toContain('/healthz');
    expect(instruction('CMD')).toBe('CMD ["node", "--import", "tsx", "src/worker-bundled.ts"]');
    expect(instruction('ENV')).toContain('GATESHIFT_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js');
    expect(instruction('ENV')).toContain('GATESHIFT_METRICS_HOST=0.0.0.0');
    expect(finalStage).toContain('COPY --from=bundle /app/dist ./dist');
    expect(finalStage.some((line) => line.includes('/usr/local/bin/gateshift'))).toBe(true);
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', '.env.*', '.gateshift', 'node_modules', '.git']) expect(ignored).toContain(entry);
    expect(ignored).toContain('!.env.example');
  });
});

describe("the image's commands, run here", () => {
  let server: DevServer | undefined;
  let worker: ChildProcess | undefined;
  let dir = '';
  let output = '';
  let port = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateshift-image-'));
    server = await startDevServer({ uiPort: false, quiet: true });
  });

  afterAll(async () => {
    if (worker?.pid && worker.exitCode === null && worker.signalCode === null) {
      const exited = once(worker, 'exit');
      process.kill(-worker.pid, 'SIGKILL');
      await exited;
    }
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("bundles the workflows with the Dockerfile's own command, then starts the worker from that bundle", async () => {
    const bundleStep = instruction('RUN', stage(stages.findIndex((line) => line.endsWith(' AS bundle')))).slice(4);
    expect(bundleStep).toBe('node --import tsx scripts/bundle-workflows.ts /app/dist/workflow-bundle.js');
    const bundle = join(dir, 'workflow-bundle.js');
    const [node, ...args] = bundleStep.replace('/app/dist/workflow-bundle.js', bundle).split(' ') as [
      string,
      ...string[],
    ];
    const built = spawnSync(node, args, { cwd: root, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);

    port = await freePort();
    const [command, ...cmdArgs] = JSON.parse(instruction('CMD').slice(4)) as [string, ...string[]];
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_')));
    worker = spawn(command, cmdArgs, {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...env,
        TEMPORAL_ADDRESS: server?.address,
        TEMPORAL_NAMESPACE: server?.namespace,
        GATESHIFT_WORKFLOW_BUNDLE: bundle,
        GATESHIFT_METRICS_PORT: String(port),
        LOG_LEVEL: 'info',
      },
    });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    worker.stdout?.on('data', collect);
    worker.stderr?.on('data', collect);

    const deadline = Date.now() + 60_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      if (worker.exitCode !== null) throw new Error(`worker exited with ${worker.exitCode}:\n${output}`);
      status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.status,
        () => 0,
      );
      if (status !== 200) await sleep(250);
    }
    expect(status, output).toBe(200);
    // /healthz answers once the SDK's worker runs; the "worker started" line follows a moment later.
    await vi.waitFor(() => expect(output).toContain('"msg":"worker started"'), { timeout: 10_000 });
    // The SDK logs this only when it bundles at start.
    expect(output).not.toMatch(/bundle created|Workflow bundle/i);
    // What the alert GateshiftWorkerNoPollers and the dashboard read, as this worker exports it.
    await vi.waitFor(
      async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        expect(metrics).toMatch(
          /^temporal_num_pollers\{[^}]*poller_type="workflow_task"[^}]*task_queue="gateshift"[^}]*\} [1-9]/m,
        );
      },
      { timeout: 15_000, interval: 500 },
    );
  });

  it("answers the Dockerfile's HEALTHCHECK command", () => {
    const healthcheck = instruction('HEALTHCHECK');
    const [command, ...args] = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) as [string, ...string[]];
    const healthy = spawnSync(command, args, { env: { ...process.env, GATESHIFT_METRICS_PORT: String(port) } });
    expect(healthy.status).toBe(0);
    const closed = spawnSync(command, args, { env: { ...process.env, GATESHIFT_METRICS_PORT: '1' } });
    expect(closed.status).toBe(1);
  });

  it('stops cleanly on SIGTERM, as tini forwards it', async () => {
    if (!worker?.pid) throw new Error('no worker');
    const exited = once(worker, 'exit');
    worker.kill('SIGTERM');
    const [code] = await exited;
    expect(code, output).toBe(0);
    expect(output).toContain('"msg":"worker stopped"');
  });
});
