// The faults the lab can inject, each set as an absolute state: the ASM gateway answering 5xx or
// slowly, the pods of one version answering 5xx, a canary that never gets Ready, a gateway upgrade
// that stalls half-way, a route missing on the ASM gateway, a stalled CCM, an outage of the cluster's
// API server, a throttling SLB or ASM API. The demo, the e2e tests and the lab's HTTP API (POST
// /faults) use them.
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { AsmApiEmulator } from './asm-api/server.js';
import type { Ccm } from './ccm/index.js';
import type { TestCluster } from './cluster/index.js';
import type { Faults } from './faults-api.js';
import type { GatewayRuntime } from './gateway-runtime.js';
import { deleteObject, putObjects } from './kube/bookinfo.js';
import { APP_NAMESPACE, TARGET_GATEWAY } from './names.js';
import { asmRouting } from './scene.js';
import type { SlbEmulator } from './slb/server.js';

export interface FaultState {
  /** Share (0..1) of the ASM gateway's answers that are 503. */
  targetErrorRatio: number;
  targetLatencyMs: number;
  routeMissingOnTarget: boolean;
  ccmStalled: boolean;
  apiServerDown: boolean;
  /** Share (0..1) of SLB API calls answered with Throttling.User. */
  slbThrottleRate: number;
  /** The gateway pods of one version (e.g. the canary's `1.22.6.29`) answer this share (0..1) with 503; null: none. */
  versionErrorRatio: { version: string; ratio: number } | null;
  /** The canary Deployment's pod never passes its readiness probe, so the CCM never registers it. */
  canaryNeverReady: boolean;
  /** A gateway upgrade stops half-way: its status stays `upgrading`. */
  stallUpgrade: boolean;
  /** Share (0..1) of ASM API calls answered with Throttling.User. */
  asmThrottleRate: number;
}

export type LabFaults = Faults<FaultState>;

export function createLabFaults(parts: {
  gateways: GatewayRuntime;
  emulator: SlbEmulator;
  asmApi: AsmApiEmulator;
  ccm: Ccm;
  cluster: TestCluster;
  asmAdminKubeconfig: string;
}): LabFaults {
  const current: FaultState = {
    targetErrorRatio: 0,
    targetLatencyMs: 0,
    routeMissingOnTarget: false,
    ccmStalled: false,
    apiServerDown: false,
    slbThrottleRate: 0,
    versionErrorRatio: null,
    canaryNeverReady: false,
    stallUpgrade: false,
    asmThrottleRate: 0,
  };
  const asm = new KubeConfig();
  asm.loadFromFile(parts.asmAdminKubeconfig);
  const asmCustom = asm.makeApiClient(CustomObjectsApi);
  const virtualService = asmRouting().find((object) => object.kind === 'VirtualService');

  return {
    state: () => ({ ...current }),
    async set(changes) {
      const next = { ...current, ...changes };
      parts.gateways.setFaults({
        gateways: { [TARGET_GATEWAY]: { errorRatio: next.targetErrorRatio, addedLatencyMs: next.targetLatencyMs } },
        versionErrorRatio: next.versionErrorRatio ?? undefined,
        canaryNeverReady: next.canaryNeverReady,
      });
      parts.asmApi.faults.stallUpgrade = next.stallUpgrade;
      parts.asmApi.faults.throttleRate = next.asmThrottleRate;
      if (
        changes.routeMissingOnTarget !== undefined &&
        changes.routeMissingOnTarget !== current.routeMissingOnTarget &&
        virtualService
      ) {
        if (changes.routeMissingOnTarget) await deleteObject(asmCustom, APP_NAMESPACE, virtualService);
        else await putObjects(asmCustom, APP_NAMESPACE, [virtualService]);
      }
      if (changes.ccmStalled !== undefined) parts.ccm.faults.stalled = changes.ccmStalled;
      if (changes.apiServerDown !== undefined && changes.apiServerDown !== current.apiServerDown) {
        if (changes.apiServerDown) parts.cluster.pauseApiserver();
        else parts.cluster.resumeApiserver();
      }
      if (changes.slbThrottleRate !== undefined) parts.emulator.faults.throttleRate = changes.slbThrottleRate;
      Object.assign(current, changes);
      return { ...current };
    },
  };
}
