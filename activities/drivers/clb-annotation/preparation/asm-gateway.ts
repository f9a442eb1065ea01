// Step 2 of the ASM procedure: the ASM ingress gateway (an IstioGateway on the ASM control plane) with
// the source Service's ports and CLB annotations at weight "0". gateshift never takes over a gateway it
// did not create; its undo deletes the gateway only when gateshift alone wrote it.
import type { ClbTraffic } from '../../../../src/plan/index.js';
import type { ActionOutcome } from '../../../contracts.js';
import { asmContext } from '../../../kube/config.js';
import { kubeFailure } from '../../../kube/errors.js';
import { ensureIstioGateway } from '../../../kube/istio-gateway.js';
import { deleteObject, getObject, onlyGateshiftManages } from '../../../kube/objects.js';
import { ISTIO_GATEWAYS } from '../../../kube/resources.js';
import { preparedClb } from './clb-reuse.js';

function gatewayOf(traffic: ClbTraffic) {
  if (!traffic.prepare) throw kubeFailure('KubeInvalidRequest', 'the plan has no prepare section');
  const { name, namespace, asmContext: context, clusterIds } = traffic.prepare.asmGateway;
  return { ref: { resource: ISTIO_GATEWAYS, name, namespace, context: asmContext(context) }, clusterIds };
}

export async function createAsmGateway(traffic: ClbTraffic): Promise<ActionOutcome> {
  const { source } = preparedClb(traffic);
  const { ref: gateway, clusterIds } = gatewayOf(traffic);
  const request = { source, name: gateway.name, namespace: gateway.namespace, asmContext: gateway.context, clusterIds };
  const existing = await getObject(gateway);
  if (existing && !onlyGateshiftManages(existing)) {
    const check = await ensureIstioGateway({ ...request, mode: 'verify' });
    if (check.ok) return { changes: [] };
    throw kubeFailure(
      'KubeInvalidRequest',
      `IstioGateway ${gateway.namespace}/${gateway.name} exists, was not created by gateshift and differs (${check.diff.join('; ')}): gateshift does not take it over; name another in traffic.prepare.asmGateway.name, or fix it by hand`,
    );
  }
  const result = await ensureIstioGateway({ ...request, mode: 'apply' });
  if (result.action === 'unchanged') return { changes: [] };
  return { changes: [`IstioGateway ${gateway.namespace}/${gateway.name}: ${result.action}d`, ...result.diff] };
}

export async function deleteAsmGateway(traffic: ClbTraffic): Promise<ActionOutcome> {
  const { ref: gateway } = gatewayOf(traffic);
  const existing = await getObject(gateway);
  if (!existing || !onlyGateshiftManages(existing)) return { changes: [] };
  await deleteObject(gateway);
  return { changes: [`IstioGateway ${gateway.namespace}/${gateway.name}: deleted`] };
}
