// The migration the lab runs: both lab CLBs through the five phases of the ASM procedure, with
// compressed soaks and an analysis quick enough to see a breach within seconds.
import type { MigrationInput } from '../plan/index.js';
import { CLBS, CONTAINER_PORT, GATEWAY_NAMESPACE, REGION, ROUTE, SOURCE_GATEWAY, TARGET_GATEWAY } from './names.js';

export interface LabInputOptions {
  autoApprove: boolean;
  /** Soak of each phase after the first; default 20 s. */
  soakSec?: number;
}

export function labMigrationInput(options: LabInputOptions): MigrationInput {
  const soak = `${options.soakSec ?? 20}s`;
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
      loadBalancers: CLBS.map((clb) => ({
        id: clb.id,
        region: REGION,
        vServerGroups: [{ id: clb.vServerGroupId, port: clb.listenerPort }],
        sourceService: clb.sourceService,
        targetService: clb.targetService,
      })),
      gatewayNamespaces: ['bookinfo'],
    },
    phases: [
      { name: 'initial', sourceWeight: 100, targetWeight: 0 },
      { name: 'canary', sourceWeight: 90, targetWeight: 10, soak },
      { name: 'half', sourceWeight: 50, targetWeight: 50, soak },
      { name: 'majority', sourceWeight: 10, targetWeight: 90, soak },
      { name: 'final', sourceWeight: 0, targetWeight: 100, soak },
    ],
    approval: { mode: options.autoApprove ? 'auto' : 'manual' },
    analysis: { interval: '2s', window: '10s', consecutiveFailures: 2, maxErrorRatio: 0.01, maxP99LatencyMs: 1000 },
    routes: [{ host: ROUTE.host, path: ROUTE.path, port: CONTAINER_PORT }],
    verifyTimeout: '60s',
  };
}
