// End to end in the lab with node backends (`externalTrafficPolicy: Local`): the CLBs' backends are
// the nodes running each gateway's pods, at the Services' NodePorts, and each node forwards to its own
// pods. The whole migration under load, as the worker process runs it against the Temporal dev server.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../scripts/tools/dev-server.js';
import { MIGRATION_WORKFLOW, TASK_QUEUE } from '../../src/api/names.js';
import type { MigrationResult } from '../../src/api/status.js';
import { type Lab, startLab } from '../../src/lab/index.js';
import { labMigrationInput } from '../../src/lab/input.js';
import { summarize } from '../../src/lab/load/index.js';
import { CLBS, TARGET_GATEWAY } from '../../src/lab/names.js';
import { trackProgress } from '../../src/lab/progress.js';
import { buildReport } from '../../src/lab/report.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

let server: DevServer;
let lab: Lab;
let connection: Connection;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  server = await startDevServer({ uiPort: false });
  // 4 Istio pods over 3 nodes (2, 1, 1) and 3 ASM pods on one: the Istio side's node weights do not
  // add up to its annotation weight (90 → 45 + 22 + 22), so the phases' shares are not the weights'.
  lab = await startLab({ rps: 200, backendMode: 'local', sourcePods: 4, podIpPrefix: '127.0.15.' });
  connection = await Connection.connect({ address: server.address });
  worker = startWorkerProcess({ ...lab.workerEnv, TEMPORAL_ADDRESS: server.address });
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await connection?.close();
  await lab?.stop();
  await server?.stop();
});

describe('the lab migration on node backends (Local)', () => {
  it('registers nodes, not pods, as the CLB backends', () => {
    for (const clb of CLBS) {
      const backends = lab.emulator.state.requireVServerGroup(clb.vServerGroupId).backends;
      expect(backends.length).toBeGreaterThan(0);
      expect(backends.every((backend) => backend.type === 'ecs' && backend.serverId.startsWith('i-'))).toBe(true);
    }
  });

  it('moves all traffic at 200 requests/s without a failed request, each phase observed within 3 points of its effective share', async () => {
    const started = Math.floor(Date.now() / 1000);
    const handle = await new Client({ connection }).workflow.start(MIGRATION_WORKFLOW, {
      taskQueue: TASK_QUEUE,
      workflowId: 'e2e-local',
      args: [labMigrationInput({ autoApprove: true, soakSec: 8 })],
    });
    const progress = await trackProgress({ handle, lab, autoApprove: true, print: () => {}, onPhase: async () => {} });
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
    console.info(
      `Local mode: ${during.requests} requests, ${during.failures} failed; per phase (target weight: observed / effective share): ${report.phases
        .map(
          (phase) =>
            `${phase.targetWeight}: ${phase.observedTargetShare} / ${phase.effectiveTargetShare} (${phase.requests} requests)`,
        )
        .join('; ')}`,
    );
    expect(during.failures).toBe(0);
    expect(report.phases.map((phase) => phase.targetWeight)).toEqual([0, 10, 50, 90, 100]);
    // Istio 89, 49, 9 against ASM 10, 50, 90: 10.1%, 50.51%, 90.91%.
    expect(report.phases.map((phase) => phase.effectiveTargetShare)).toEqual([0, 10.1, 50.51, 90.91, 100]);
    for (const phase of report.phases.filter((p) => p.index > 0 || p.requests > 0)) {
      expect(phase.requests).toBeGreaterThan(0);
      expect(Math.abs((phase.observedTargetShare ?? -100) - (phase.effectiveTargetShare ?? 0))).toBeLessThanOrEqual(3);
    }
    expect(Object.values(lab.effectiveTargetShares())).toEqual([100, 100]);
  });
});
