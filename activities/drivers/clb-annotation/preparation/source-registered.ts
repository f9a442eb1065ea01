// Awaited before the listeners move: the CCM has filled the planned vServer groups (the user's, which the
// source Service's vgroup-port now names) with the Istio gateway's pods, and they pass the health check.
import type { ClbTraffic } from '../../../../src/plan/index.js';
import type { ClbClient } from '../../../clb/client.js';
import type { ConditionState } from '../../../contracts.js';
import { backendsHealthy } from '../preflight/clb-checks.js';
import { clbFields } from '../preflight/fields.js';
import { gatewayPodsReady } from '../preflight/pod-checks.js';
import { checklistState } from './prepared.js';
import { preparedClb } from './record.js';

export async function sourceRegistered(
  clbClient: (regionId: string) => ClbClient,
  traffic: ClbTraffic,
): Promise<ConditionState> {
  const { lb, source } = preparedClb(traffic);
  const pods = await gatewayPodsReady('source', traffic.source);
  const items = [
    pods.item,
    ...(await backendsHealthy('source', clbClient(lb.region), lb, clbFields(traffic, 0), pods, source)),
  ];
  return checklistState(items, 'the Istio gateway is a healthy backend of every planned vServer group');
}
