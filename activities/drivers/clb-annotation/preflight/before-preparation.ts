// The pre-flight of a plan that prepares a raw cluster: only what the preparation does not establish
// itself — the Istio gateway's pods, the CLB (reusable, or made so by the opt-in step), its listeners
// and their schedulers. What the preparation creates is checked by its last step (the `prepared`
// condition) before any weight moves.
import type { ChecklistItem } from '../../../../src/api/records.js';
import type { ClbTraffic } from '../../../../src/plan/index.js';
import { pass } from '../../../checklist.js';
import type { ClbClient } from '../../../clb/client.js';
import { listenersWeighBackends } from './ccm-hazards.js';
import { clbReusable, listenersCovered } from './clb-checks.js';
import { clbFields } from './fields.js';
import { gatewayPodsReady } from './pod-checks.js';

export async function preflightBeforePreparation(
  clbClient: (regionId: string) => ClbClient,
  traffic: ClbTraffic,
  add: (more: ChecklistItem[]) => void,
): Promise<void> {
  const source = await gatewayPodsReady('source', traffic.source);
  add([source.item]);
  for (const [index, lb] of traffic.loadBalancers.entries()) {
    const client = clbClient(lb.region);
    const fields = clbFields(traffic, index);
    const reusable = await clbReusable(client, lb, fields);
    // With prepare.fixClb the preparation's first step removes what blocks reuse.
    add(
      reusable.map((item) =>
        item.status === 'fail' && traffic.prepare?.fixClb
          ? pass(item.item, `the preparation fixes it (prepare.fixClb): ${item.why}`, item.resource)
          : item,
      ),
    );
    add(await listenersCovered(client, lb, fields, true));
    add(await listenersWeighBackends(client, lb, fields));
  }
}
