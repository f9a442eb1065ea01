// The lab's faults HTTP API takes the gateway canary upgrade's faults: by version (or null to clear),
// a canary that never gets Ready, a stalled upgrade, a throttling ASM API; and refuses bad values. On
// the canary-cluster lab it takes that lab's faults (the target backend's, a stale source gateway pod)
// and refuses the single-cluster lab's.
import { describe, expect, it, onTestFinished } from 'vitest';
import { canaryClusterFaultChanges, canaryClusterFaults } from '../../src/lab/canary-cluster/faults.js';
import type { FaultState, LabFaults } from '../../src/lab/faults.js';
import { labFaultChanges, startFaultsApi } from '../../src/lab/faults-api.js';

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('faults API', () => {
  it('passes the ASM faults to the lab, and refuses unknown or out-of-range ones', async () => {
    const received: Partial<FaultState>[] = [];
    const faults: LabFaults = {
      state: () => ({}) as FaultState,
      set: async (changes) => {
        received.push(changes);
        return changes as FaultState;
      },
    };
    const api = await startFaultsApi(faults, labFaultChanges);
    onTestFinished(() => api.stop());

    const changes = {
      versionErrorRatio: { version: '1.22.6.29', ratio: 0.3 },
      canaryNeverReady: true,
      stallUpgrade: true,
      asmThrottleRate: 0.5,
    };
    expect((await post(api.url, changes)).status).toBe(200);
    expect((await post(api.url, { versionErrorRatio: null })).status).toBe(200);
    expect(received).toEqual([changes, { versionErrorRatio: null }]);

    expect((await post(api.url, { versionErrorRatio: { version: '1.22.6.29', ratio: 2 } })).status).toBe(400);
    expect((await post(api.url, { versionErrorRatio: { ratio: 0.1 } })).status).toBe(400);
    expect((await post(api.url, { canaryNeverReady: 'yes' })).status).toBe(400);
    expect(received).toHaveLength(2);
  });

  it('sets the canary-cluster lab faults on its pods and backend, naming what it refuses', async () => {
    const lab = {
      sourceGateways: [0, 1, 2].map((i) => ({ podName: `gw-${i}`, faults: { neverPicksUp: false } })),
      targetBackend: { faults: { errorRatio: 0, addedLatencyMs: 0 } },
    };
    const api = await startFaultsApi(canaryClusterFaults(lab), canaryClusterFaultChanges);
    onTestFinished(() => api.stop());
    const stale = () => lab.sourceGateways.map((pod) => pod.faults.neverPicksUp);

    expect(await post(api.url, { targetLatencyMs: 1500, staleGatewayPod: 'gw-1' })).toEqual({
      status: 200,
      body: { targetErrorRatio: 0, targetLatencyMs: 1500, staleGatewayPod: 'gw-1' },
    });
    expect(lab.targetBackend.faults.addedLatencyMs).toBe(1500);
    expect(stale()).toEqual([false, true, false]);
    expect((await post(api.url, { staleGatewayPod: null })).body.staleGatewayPod).toBeNull();
    expect(stale()).toEqual([false, false, false]);

    const unknownPod = await post(api.url, { staleGatewayPod: 'gw-9', targetErrorRatio: 0.3 });
    expect(unknownPod.status).toBe(400);
    expect(unknownPod.body.error).toBe('staleGatewayPod: no source gateway pod gw-9 (gw-0, gw-1, gw-2)');
    const singleCluster = await post(api.url, { ccmStalled: true });
    expect(singleCluster.status).toBe(400);
    expect(singleCluster.body.error).toContain('ccmStalled');
    expect(lab.targetBackend.faults.errorRatio).toBe(0);
  });
});
