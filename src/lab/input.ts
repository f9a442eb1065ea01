// The migrations the lab runs: both lab CLBs through the five phases of the ASM procedure, and the ASM
// gateway's canary upgrade, with compressed soaks and an analysis quick enough to see a breach in seconds.
import type { MigrationInput } from '../plan/index.js';
import { operatorVersion } from './asm-api/versions.js';
import * as canaryCluster from './canary-cluster/names.js';
import {
  ASM_MESH_ID,
  ASM_VERSIONS,
  CLBS,
  CONTAINER_PORT,
  GATEWAY_NAMESPACE,
  RAW_CLB,
  REGION,
  ROUTE,
  SERVICE_PORT,
  SOURCE_GATEWAY,
  TARGET_GATEWAY,
} from './names.js';

/**
 * Quick enough to see a breach in seconds. The soaks are seconds long too, and the first evaluation
 * of a gateway that just began to get traffic has no data yet (a rate needs two scrapes): half of a
 * soak with data is enough here, where an hour-long soak keeps the default.
 */
const LAB_ANALYSIS = {
  interval: '2s',
  window: '10s',
  consecutiveFailures: 2,
  maxErrorRatio: 0.01,
  maxP99LatencyMs: 1000,
  minDataCoverage: 0.5,
};

/**
 * The drain after 0/100 at the lab's pace: the source counts as drained once its rate (over the
 * analysis window) stayed at 0.1 requests/s or less for 10 s, which the load's long-lived connections
 * (LAB_LONG_LIVED) reach only once they closed.
 */
const LAB_DRAIN = { maxRequestsPerSecond: 0.1, for: '10s', timeout: '3m' };

export interface LabInputOptions {
  autoApprove: boolean;
  /** The raw lab (start `raw`): its one CLB, and the preparation (steps 1–3, the CLB made reusable) first. */
  raw?: boolean;
  /** Soak of each phase after the first (of the canary, for the canary upgrade); default 20 s. */
  soakSec?: number;
  /** The canary upgrade's waits; defaults 30 s, 120 s, 60 s. */
  timeoutsSec?: { canaryReady?: number; upgrade?: number; removal?: number };
}

/** The five phases the demos of weight-moving drivers go through, each after the first soaking `soakSec`. */
function labPhases(options: LabInputOptions): MigrationInput['phases'] {
  const soak = `${options.soakSec ?? 20}s`;
  return [
    { name: 'initial', sourceWeight: 100, targetWeight: 0 },
    { name: 'canary', sourceWeight: 90, targetWeight: 10, soak },
    { name: 'half', sourceWeight: 50, targetWeight: 50, soak },
    { name: 'majority', sourceWeight: 10, targetWeight: 90, soak },
    { name: 'final', sourceWeight: 0, targetWeight: 100, soak },
  ];
}

export function labMigrationInput(options: LabInputOptions): MigrationInput {
  return {
    title: 'lab: bookinfo ingress from Istio to ASM',
    traffic: {
      kind: 'clb-annotation',
      source: {
        namespace: GATEWAY_NAMESPACE,
        service: CLBS[0]?.sourceService ?? '',
        selector: { istio: SOURCE_GATEWAY },
      },
      target: {
        namespace: GATEWAY_NAMESPACE,
        service: CLBS[0]?.targetService ?? '',
        selector: { istio: TARGET_GATEWAY },
      },
      loadBalancers: (options.raw ? [RAW_CLB] : CLBS).map((clb) => ({
        id: clb.id,
        region: REGION,
        // The raw lab's group is the user's own, listed with the listener the preparation moves onto it.
        vServerGroups: [
          { id: clb.vServerGroupId, port: SERVICE_PORT, ...(options.raw && { listenerPort: clb.listenerPort }) },
        ],
        sourceService: clb.sourceService,
        targetService: clb.targetService,
      })),
      gatewayNamespaces: ['bookinfo'],
      ...(options.raw && { prepare: { fixClb: true, readyTimeout: '90s' } }),
      drain: LAB_DRAIN,
    },
    phases: labPhases(options),
    approval: { mode: options.autoApprove ? 'auto' : 'manual' },
    analysis: LAB_ANALYSIS,
    routes: [{ host: ROUTE.host, path: ROUTE.path, port: CONTAINER_PORT }],
    verifyTimeout: '60s',
  };
}

/** The lab's ASM gateway canary upgrade (start the lab with `asm-serving`): to the control plane's version. */
export function labCanaryInput(options: LabInputOptions): MigrationInput {
  return {
    title: 'lab: canary upgrade of the ASM gateway',
    traffic: {
      kind: 'asm-gateway-canary',
      mesh: { id: ASM_MESH_ID, region: REGION },
      gateway: { namespace: GATEWAY_NAMESPACE, name: TARGET_GATEWAY },
      services: CLBS.map((clb) => clb.targetService),
      targetVersion: operatorVersion(ASM_VERSIONS.controlPlane),
      canarySoak: `${options.soakSec ?? 20}s`,
      canaryReadyTimeout: `${options.timeoutsSec?.canaryReady ?? 30}s`,
      upgradeTimeout: `${options.timeoutsSec?.upgrade ?? 120}s`,
      removalTimeout: `${options.timeoutsSec?.removal ?? 60}s`,
    },
    approval: { mode: options.autoApprove ? 'auto' : 'manual' },
    analysis: LAB_ANALYSIS,
  };
}

/** The lab's canary-cluster migration: the source VirtualService's bookinfo route moves to the target cluster. */
export function labVirtualServiceInput(options: LabInputOptions): MigrationInput {
  return {
    title: 'lab: bookinfo from the source cluster to the target cluster',
    traffic: {
      kind: 'virtualservice',
      kubeContext: canaryCluster.CLUSTERS.source,
      virtualService: { namespace: canaryCluster.APP_NAMESPACE, name: canaryCluster.VIRTUAL_SERVICE },
      local: canaryCluster.LOCAL,
      remote: {
        ...canaryCluster.REMOTE,
        service: {
          kubeContext: canaryCluster.CLUSTERS.target,
          namespace: canaryCluster.INGRESS_NAMESPACE,
          name: canaryCluster.TARGET_INGRESS_SERVICE,
        },
      },
      gateway: {
        namespace: canaryCluster.INGRESS_NAMESPACE,
        selector: canaryCluster.GATEWAY_LABELS,
        workload: canaryCluster.GATEWAY_WORKLOAD,
      },
    },
    phases: labPhases(options),
    approval: { mode: options.autoApprove ? 'auto' : 'manual' },
    analysis: LAB_ANALYSIS,
    routes: [{ host: canaryCluster.ROUTE.host, path: canaryCluster.ROUTE.path, port: canaryCluster.REMOTE.port }],
    verifyTimeout: '20s',
  };
}
