// The faults the lab can inject, each set as an absolute state: the ASM gateway answering 5xx or
// slowly, a route missing on it, a stalled CCM, an outage of the cluster's API server, a throttling
// SLB API. The demo, the e2e tests and the lab's HTTP API (POST /faults) use them.
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Ccm } from './ccm/index.js';
import type { TestCluster } from './cluster/index.js';
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
}

export interface LabFaults {
  state(): FaultState;
  set(changes: Partial<FaultState>): Promise<FaultState>;
}

export function createLabFaults(parts: {
  gateways: GatewayRuntime;
  emulator: SlbEmulator;
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
  };
  const asm = new KubeConfig();
  asm.loadFromFile(parts.asmAdminKubeconfig);
  const asmCustom = asm.makeApiClient(CustomObjectsApi);
  const virtualService = asmRouting().find((object) => object.kind === 'VirtualService');

  return {
    state: () => ({ ...current }),
    async set(changes) {
      for (const pod of parts.gateways.of(TARGET_GATEWAY)) {
        if (changes.targetErrorRatio !== undefined) pod.faults.errorRatio = changes.targetErrorRatio;
        if (changes.targetLatencyMs !== undefined) pod.faults.addedLatencyMs = changes.targetLatencyMs;
      }
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
