// End to end from the raw lab (the Istio gateway behind the CLB its CCM created, no ASM gateway yet),
// under steady load: the worker runs as its own process, prepares the cluster (steps 1–3 of the ASM
// procedure, the listener moved to the user's vServer group with the CCM's group then deleted by its
// cleanup) and then moves the traffic through the five phases; a rollback after the preparation puts
// the ASM gateway back at weight 0 and leaves what the preparation made.

import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../scripts/tools/dev-server.js';
import { MIGRATION_WORKFLOW, statusQuery, TASK_QUEUE } from '../../src/api/names.js';
import type { MigrationResult } from '../../src/api/status.js';
import { type Lab, startLab } from '../../src/lab/index.js';
import { labMigrationInput } from '../../src/lab/input.js';
import { summarize } from '../../src/lab/load/index.js';
import { GATEWAY_NAMESPACE, RAW_CLB, TARGET_GATEWAY } from '../../src/lab/names.js';
import { trackProgress } from '../../src/lab/progress.js';
import { buildReport } from '../../src/lab/report.js';
import { CLB_ANNOTATIONS } from '../../src/plan/index.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const SOAK_SEC = 6;
let server: DevServer;
let lab: Lab;
let client: Client;
let connection: Connection;
let worker: WorkerProcess | undefined;
const log: string[] = [];

beforeAll(async () => {
  server = await startDevServer({ uiPort: false });
  lab = await startLab({ start: 'raw', rps: 200 });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
  worker = startWorkerProcess({ ...lab.workerEnv, TEMPORAL_ADDRESS: server.address });
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await connection?.close();
  await lab?.stop();
  await server?.stop();
});

function migrate(id: string) {
  return client.workflow.start(MIGRATION_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: id,
    args: [labMigrationInput({ autoApprove: true, soakSec: SOAK_SEC, raw: true })],
  });
}

async function asmServiceWeight(): Promise<string | undefined> {
  const config = new KubeConfig();
  config.loadFromFile(lab.adminKubeconfigs.cluster);
  const service = await config
    .makeApiClient(CoreV1Api)
    .readNamespacedService({ namespace: GATEWAY_NAMESPACE, name: RAW_CLB.targetService });
  return service.metadata?.annotations?.[CLB_ANNOTATIONS.weight];
}

describe('the migration from a raw cluster', () => {
  it('prepares the cluster, then moves all traffic at 200 requests/s without a failed request', async () => {
    const { tags, modificationProtection } = lab.emulator.state.requireLoadBalancer(RAW_CLB.id);
    expect([...tags.keys()]).toContain('kubernetes.do.not.delete');
    expect(modificationProtection.status).toBe('ConsoleProtection');
    const started = Math.floor(Date.now() / 1000);
    const handle = await migrate('e2e-raw-happy');
    const progress = await trackProgress({
      handle,
      lab,
      autoApprove: true,
      print: (line) => log.push(line),
      onPhase: async () => {},
    });
    const result = (await handle.result()) as MigrationResult;
    expect(result.outcome, log.slice(-5).join('\n')).toBe('completed');
    const record = lab.load?.snapshot();
    if (!record) throw new Error('no load record');
    const report = buildReport({
      result: result.outcome,
      scenario: 'happy',
      record,
      phases: progress.phases,
      targetGateway: TARGET_GATEWAY,
      steps: progress.steps,
    });
    expect(summarize(record, started, Math.floor(Date.now() / 1000)).failures).toBe(0);
    expect(report.preparation.map((step) => [step.step, step.outcome])).toEqual([
      ['step 0 (make the CLB reusable)', 'done'],
      ['step 1 (annotate the source Service)', 'done'],
      ['step 2 (Istio gateway registered and healthy in every planned vServer group)', 'done'],
      ['step 3 (move the listeners to the planned vServer groups)', 'done'],
      ['step 4 (create the ASM gateway at weight 0)', 'done'],
      ['step 5 (copy the routing to ASM)', 'done'],
      ['step 6 (ASM gateway registered, healthy and answering every route)', 'done'],
    ]);
    expect(report.preparation.every((step) => step.seconds !== null)).toBe(true);
    expect(report.phases.map((phase) => phase.targetWeight)).toEqual([0, 10, 50, 90, 100]);
    expect(Object.values(lab.effectiveTargetShares())).toEqual([100]);
    expect(tags.has('kubernetes.do.not.delete')).toBe(false);
    // The listener moved to the user's group, and the CCM's cleanup then deleted its own.
    const { listeners } = lab.emulator.state.requireLoadBalancer(RAW_CLB.id);
    expect(listeners.map((listener) => listener.vServerGroupId)).toEqual([RAW_CLB.vServerGroupId]);
    expect(lab.emulator.state.vServerGroups.has(RAW_CLB.ccmVServerGroupId)).toBe(false);
  });

  it('rolls back after the preparation to the ASM gateway at weight 0, leaving the preparation in place', async () => {
    await lab.restoreSource();
    const handle = await migrate('e2e-raw-breach');
    let faulted = false;
    await trackProgress({
      handle,
      lab,
      autoApprove: true,
      print: (line) => log.push(line),
      onPhase: async (phase, state) => {
        if (!faulted && phase === 2 && state === 'soaking') {
          await lab.faults.set({ targetErrorRatio: 0.3 });
          faulted = true;
        }
      },
    });
    await lab.faults.set({ targetErrorRatio: 0 });
    const result = (await handle.result()) as MigrationResult;
    expect(result.outcome).toBe('rolled-back');
    const status = await handle.query(statusQuery);
    // The preparation found everything in place, and the rollback left it so.
    const actions = status.steps.filter((step) => step.kind === 'action');
    expect(actions.map((step) => [step.state, step.outcome])).toEqual(
      Array(5).fill(['done', 'nothing needed changing']),
    );
    expect(await asmServiceWeight()).toBe('0');
    expect(Object.values(lab.effectiveTargetShares())).toEqual([0]);
  });
});
