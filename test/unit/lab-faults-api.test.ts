// The lab's faults HTTP API takes the gateway canary upgrade's faults: by version (or null to clear),
// a canary that never gets Ready, a stalled upgrade, a throttling ASM API; and refuses bad values.
import { describe, expect, it, onTestFinished } from 'vitest';
import type { FaultState, LabFaults } from '../../src/lab/faults.js';
import { startFaultsApi } from '../../src/lab/faults-api.js';

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
    const api = await startFaultsApi(faults);
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
});
