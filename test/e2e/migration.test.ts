// End to end in the lab, under steady load through both CLBs: the worker runs as its own process
// against the Temporal dev server, with only the lab's endpoints and keys in its environment.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection, ServiceError, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../scripts/tools/dev-server.js';
import { findTemporalCli } from '../../scripts/tools/temporal-cli.js';
import { MIGRATION_WORKFLOW, statusQuery, TASK_QUEUE } from '../../src/api/names.js';
import type { MigrationResult, MigrationStatus } from '../../src/api/status.js';
import { type Lab, startLab } from '../../src/lab/index.js';
import { labMigrationInput } from '../../src/lab/input.js';
import { summarize } from '../../src/lab/load/index.js';
import { ROUTE, TARGET_GATEWAY } from '../../src/lab/names.js';
import { trackProgress } from '../../src/lab/progress.js';
import { buildReport, sourceDrain } from '../../src/lab/report.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const SOAK_SEC = 8;
const run = promisify(execFile);
let server: DevServer;
let lab: Lab;
let client: Client;
let connection: Connection;
let worker: WorkerProcess | undefined;
const log: string[] = [];

function startWorker(): void {
  worker = startWorkerProcess({ ...lab.workerEnv, TEMPORAL_ADDRESS: server.address });
}

async function stopWorker(signal?: NodeJS.Signals): Promise<void> {
  await worker?.stop(signal);
}

async function migrate(id: string, autoApprove: boolean) {
  return client.workflow.start(MIGRATION_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: id,
    args: [labMigrationInput({ autoApprove, soakSec: SOAK_SEC })],
  });
}

beforeAll(async () => {
  server = await startDevServer({ uiPort: false });
  // Pod IPs of its own, so that it runs beside a demo (which takes the default 127.0.10.).
  lab = await startLab({ rps: 200, podIpPrefix: '127.0.16.' });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
  startWorker();
});

afterAll(async () => {
  await stopWorker('SIGKILL');
  await connection?.close();
  await lab?.stop();
  await server?.stop();
});

/** gRPC's FAILED_PRECONDITION: the server's answer to a query while no worker polls the task queue. */
const NO_POLLER = 9;

/** The status, or undefined while no worker polls (one was just killed and the next is starting). */
async function statusWhilePolled(handle: WorkflowHandle): Promise<MigrationStatus | undefined> {
  try {
    return await handle.query(statusQuery);
  } catch (error) {
    const code = error instanceof ServiceError ? (error.cause as { code?: number } | undefined)?.code : undefined;
    if (code === NO_POLLER) return undefined;
    throw error;
  }
}

describe('the lab migration', () => {
  it('stops at the pre-flight, before any weight moves, when a route is missing on the target', async () => {
    await lab.faults.set({ routeMissingOnTarget: true });
    try {
      const handle = await migrate('e2e-route-missing', true);
      const error = await handle.result().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const message = (error as WorkflowFailedError).cause?.message ?? '';
      expect(message).toContain('pre-flight failed, nothing was changed');
      // The message is short; the checklist says which route answered what.
      const status = await handle.query(statusQuery);
      const failed = (status.preflight ?? []).filter((item) => item.status === 'fail').map((item) => item.why);
      expect(failed).toContainEqual(
        expect.stringMatching(new RegExp(`${ROUTE.host.replaceAll('.', '\\.')}(:\\d+)?${ROUTE.path}.*HTTP 404`)),
      );
      expect(status.writes).toEqual([]);
      expect(Object.values(lab.effectiveTargetShares())).toEqual([0, 0]);
    } finally {
      await lab.faults.set({ routeMissingOnTarget: false });
    }
  });

  it('rolls back by itself when the ASM gateway fails, traffic back on the source within 10 s', async () => {
    const handle = await migrate('e2e-breach', true);
    let faultAt: number | undefined;
    const progress = await trackProgress({
      handle,
      lab,
      autoApprove: true,
      print: (line) => log.push(line),
      onPhase: async (phase, state) => {
        if (faultAt === undefined && phase === 3 && state === 'soaking') {
          await lab.faults.set({ targetErrorRatio: 0.3 });
          faultAt = Date.now();
        }
      },
    });
    await lab.faults.set({ targetErrorRatio: 0 });
    const result = (await handle.result()) as MigrationResult;
    expect(result.outcome).toBe('rolled-back');
    expect(result.rollback?.by).toBe('gateshift');
    expect(faultAt).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const record = lab.load?.snapshot();
    if (!record || faultAt === undefined) throw new Error('no load record or no fault');
    const report = buildReport({
      result: result.outcome,
      scenario: 'breach',
      record,
      phases: progress.phases,
      targetGateway: TARGET_GATEWAY,
      breach: {
        faultInjectedAt: faultAt,
        breachDetectedAt: progress.breachDetectedAt,
        rollbackAppliedAt: progress.rollbackAppliedAt,
      },
    });
    expect(report.faultToRevertMs).toBeDefined();
    expect(report.faultToRevertMs).toBeLessThanOrEqual(10_000);
    const window = summarize(record, Math.floor(progress.phases[0]?.from ?? 0) / 1000, Math.floor(Date.now() / 1000));
    expect(Object.values(window.transportErrors).reduce((a, b) => a + b, 0)).toBe(0);
    expect(Object.values(lab.effectiveTargetShares())).toEqual([0, 0]);
    // The next migration's analysis must not see this one's errors in its rate() window (10 s).
    await new Promise((resolve) => setTimeout(resolve, 12_000));
  });

  it('takes approvals from the temporal CLI and survives a SIGKILL of the worker mid-phase, without a failed request', async () => {
    const started = Math.floor(Date.now() / 1000);
    const temporal = findTemporalCli();
    if (!temporal) throw new Error('the Temporal CLI is not installed');
    const handle = await migrate('e2e-manual', false);
    let killed = false;
    let approved = '';
    for (;;) {
      const status = await statusWhilePolled(handle);
      if (!status) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (['completed', 'rolled-back', 'failed'].includes(status.state)) break;
      if (status.state === 'waiting-approval' && status.waitingFor !== approved) {
        approved = status.waitingFor ?? '';
        await run(temporal, [
          'workflow',
          'signal',
          '--address',
          server.address,
          '--workflow-id',
          'e2e-manual',
          '--name',
          'approve',
          '--input',
          '{"by":"e2e-approver"}',
        ]);
      }
      if (!killed && status.phaseIndex === 2 && status.state === 'soaking') {
        killed = true;
        await stopWorker('SIGKILL');
        startWorker();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const result = (await handle.result()) as MigrationResult;
    expect(result.outcome).toBe('completed');
    expect(killed).toBe(true);
    const approvals = result.actions.filter((action) => action.kind === 'approve' && action.outcome === 'accepted');
    expect(approvals.map((action) => `${action.by} via ${action.via}`)).toEqual(
      Array(4).fill('e2e-approver via signal'),
    );
    const record = lab.load?.snapshot();
    if (!record) throw new Error('no load record');
    expect(summarize(record, started, Math.floor(Date.now() / 1000)).failures).toBe(0);
    await lab.restoreSource();
  });

  it('moves all traffic at 200 requests/s without a failed request, each phase observed within 3 points of its effective share, and ends only once the source is drained', async () => {
    const started = Math.floor(Date.now() / 1000);
    const handle = await migrate('e2e-happy', true);
    const progress = await trackProgress({
      handle,
      lab,
      autoApprove: true,
      print: (line) => log.push(line),
      onPhase: async () => {},
    });
    const result = (await handle.result()) as MigrationResult;
    expect(result.outcome).toBe('completed');
    const record = lab.load?.snapshot();
    if (!record) throw new Error('no load record');
    const report = buildReport({
      result: result.outcome,
      scenario: 'happy',
      record,
      phases: progress.phases,
      targetGateway: TARGET_GATEWAY,
    });
    const during = summarize(record, started, Math.floor(Date.now() / 1000));
    expect(during.requests / (Math.floor(Date.now() / 1000) - started)).toBeGreaterThanOrEqual(190);
    expect(during.failures).toBe(0);
    expect(report.phases.map((phase) => phase.targetWeight)).toEqual([0, 10, 50, 90, 100]);
    // Phase 0 (100/0, no soak) lasts only as long as the pre-flight: it may hold no whole second.
    for (const phase of report.phases.filter((p) => p.index > 0 || p.requests > 0)) {
      expect(phase.requests).toBeGreaterThan(0);
      expect(Math.abs((phase.observedTargetShare ?? -100) - (phase.effectiveTargetShare ?? 0))).toBeLessThanOrEqual(3);
    }
    expect(Object.values(lab.effectiveTargetShares())).toEqual([100, 100]);

    // After 0/100 the lab's long-lived keep-alive connections stayed on the Istio gateway until they
    // closed; the migration ended only after the last of their requests, once the rate stayed at 0.
    const final = report.phases.at(-1);
    const drain = sourceDrain(record, TARGET_GATEWAY, progress.phases.at(-1)?.from ?? 0);
    expect(final?.targetWeight).toBe(100);
    expect(drain.sourceRequests).toBeGreaterThan(0);
    expect(drain.longLived).toBe(drain.sourceRequests);
    const step = (await handle.query(statusQuery)).steps.find((s) => s.kind === 'await');
    expect(step?.outcome).toMatch(
      /^source gateway istio-system\/istio-ingressgateway drained: at most 0 requests\/s over the last 10s/,
    );
    expect(Date.parse(step?.endedAt ?? '')).toBeGreaterThan(Date.parse(drain.lastSourceRequestAt ?? '') + 10_000);
  });
});
