// The ASM gateway canary upgrade end to end in the lab, the ASM gateway serving both CLBs under steady
// load: a failing new version rolls the canary back by itself; a canary that never becomes ready rolls
// back when its wait runs out; a stalled upgrade pauses, saying why, and once it goes on and the
// migration is resumed, every gateway pod runs the new version with no failed request.
import { AppsV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../scripts/tools/dev-server.js';
import { MIGRATION_WORKFLOW, resumeUpdate, statusQuery, TASK_QUEUE } from '../../src/api/names.js';
import type { MigrationResult, MigrationStatus } from '../../src/api/status.js';
import { type Lab, startLab } from '../../src/lab/index.js';
import { type LabInputOptions, labCanaryInput } from '../../src/lab/input.js';
import { summarize } from '../../src/lab/load/index.js';
import { ASM_VERSIONS, GATEWAY_NAMESPACE, TARGET_GATEWAY } from '../../src/lab/names.js';
import { CANARY_ANNOTATION, CANARY_LABEL } from '../../src/plan/index.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const NEW = ASM_VERSIONS.controlPlane;
const OLD = ASM_VERSIONS.gateway;
let server: DevServer;
let lab: Lab;
let client: Client;
let connection: Connection;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  server = await startDevServer({ uiPort: false });
  lab = await startLab({ start: 'asm-serving', rps: 200, podIpPrefix: '127.0.14.' });
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

function admin<T>(which: 'cluster' | 'asm', api: new (...args: never[]) => T): T {
  const config = new KubeConfig();
  config.loadFromFile(lab.adminKubeconfigs[which]);
  return config.makeApiClient(api as never) as T;
}

async function canaryAnnotation(): Promise<string | undefined> {
  const gateway = (await admin('asm', CustomObjectsApi).getNamespacedCustomObject({
    group: 'istio.alibabacloud.com',
    version: 'v1beta1',
    plural: 'istiogateways',
    namespace: GATEWAY_NAMESPACE,
    name: TARGET_GATEWAY,
  })) as { metadata: { annotations?: Record<string, string> } };
  return gateway.metadata.annotations?.[CANARY_ANNOTATION];
}

async function canaryDeployments(): Promise<number> {
  const list = await admin('cluster', AppsV1Api).listNamespacedDeployment({
    namespace: GATEWAY_NAMESPACE,
    labelSelector: `${CANARY_LABEL}=true`,
  });
  return list.items.length;
}

function start(id: string, options: Partial<LabInputOptions> = {}) {
  return client.workflow.start(MIGRATION_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: id,
    args: [labCanaryInput({ autoApprove: true, soakSec: 8, ...options })],
  });
}

/** Polls the status until `done` holds, handing each status to `each` first; gives up after 3 minutes. */
async function follow(
  handle: WorkflowHandle,
  done: (status: MigrationStatus) => boolean,
  each: (status: MigrationStatus) => Promise<void> = async () => {},
): Promise<MigrationStatus> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const status = await handle.query(statusQuery);
    await each(status);
    if (done(status)) return status;
    if (Date.now() > deadline)
      throw new Error(`gave up following ${handle.workflowId}: ${status.state}, ${status.waitingFor ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the lab gateway canary upgrade', () => {
  it('rolls back by itself when the new version fails during the canary soak: canary gone within 15 s', async () => {
    const handle = await start('canary-breach');
    let faultAt: number | undefined;
    await follow(
      handle,
      (status) => ['rolled-back', 'failed', 'completed'].includes(status.state),
      async (status) => {
        if (faultAt === undefined && status.state === 'soaking' && status.stepIndex === 2) {
          await lab.faults.set({ versionErrorRatio: { version: NEW, ratio: 0.3 } });
          faultAt = Date.now();
        }
      },
    );
    const result = (await handle.result()) as MigrationResult;
    const revertedAt = Date.now();
    await lab.faults.set({ versionErrorRatio: null });
    expect(faultAt).toBeDefined();
    expect(result).toMatchObject({
      outcome: 'rolled-back',
      rollback: { by: 'gateshift', kind: 'breach', fromStep: 2 },
    });
    expect(result.breaches[0]?.check).toMatch(/^canary-/);
    // The rollback ends once the canary is gone: from then on only the old version serves.
    expect(revertedAt - (faultAt ?? 0)).toBeLessThanOrEqual(15_000);
    expect(await canaryAnnotation()).toBeUndefined();
    expect(await canaryDeployments()).toBe(0);
    const before = lab.servedByVersion();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const shares = lab.versionShares(before);
    expect(Object.keys(shares).filter((version) => (shares[version] ?? 0) > 0)).toEqual([OLD]);
  });

  it('rolls back when the canary never becomes ready, once its wait runs out', async () => {
    await lab.faults.set({ canaryNeverReady: true });
    try {
      const handle = await start('canary-never-ready', { timeoutsSec: { canaryReady: 15 } });
      const result = (await handle.result()) as MigrationResult;
      expect(result).toMatchObject({
        outcome: 'rolled-back',
        rollback: { by: 'gateshift', kind: 'timeout', fromStep: 1 },
      });
      expect(result.rollback?.reason).toContain('step 1 (canary ready and serving) did not hold within 15s');
      expect(await canaryAnnotation()).toBeUndefined();
      expect(await canaryDeployments()).toBe(0);
    } finally {
      await lab.faults.set({ canaryNeverReady: false });
    }
  });

  it('pauses with the reason when the upgrade stalls; resumed once it goes on, it upgrades every pod without a failed request', async () => {
    const started = Math.floor(Date.now() / 1000);
    await lab.faults.set({ stallUpgrade: true });
    const handle = await start('canary-upgrade', { timeoutsSec: { upgrade: 20 } });
    const paused = await follow(handle, (status) => status.state === 'paused' || status.state === 'failed');
    expect(paused.stepIndex).toBe(4);
    expect(paused.paused?.by).toBe('gateshift');
    expect(paused.paused?.reason).toContain('step 4 (every gateway pod upgraded) did not hold within 20s');
    expect(paused.paused?.reason).toContain(
      'no rollback: step 3 (upgrade the gateway) has started and cannot be undone',
    );

    await lab.faults.set({ stallUpgrade: false });
    await handle.executeUpdate(resumeUpdate, { args: [{ by: 'sre' }] });
    const result = (await handle.result()) as MigrationResult;
    expect(result.outcome).toBe('completed');
    expect(await canaryAnnotation()).toBeUndefined();
    expect(await canaryDeployments()).toBe(0);
    const mesh = lab.asmApi.state.meshes.get(lab.meshId);
    const gateway = mesh?.gateways.get(`${GATEWAY_NAMESPACE}:${TARGET_GATEWAY}`);
    expect(gateway && mesh?.statusOf(gateway)).toBe('finished');
    const before = lab.servedByVersion();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(lab.versionShares(before)[NEW]).toBe(1);
    const record = lab.load?.snapshot();
    if (!record) throw new Error('the lab runs no load');
    const window = summarize(record, started, Math.floor(Date.now() / 1000));
    expect(window.requests).toBeGreaterThan(1_000);
    expect(window.failures).toBe(0);
  });
});
