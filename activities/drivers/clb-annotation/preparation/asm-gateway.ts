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
import { preparedClb } from './record.js';

function gatewayOf(traffic: ClbTraffic) {
  if (!traffic.prepare) throw kubeFailure('KubeInvalidRequest', 'the plan has no prepare section');
  const { name, namespace, asmContext: context, clusterIds } = traffic.prepare.asmGateway;
  return { ref: { resource: ISTIO_GATEWAYS, name, namespace, context: asmContext(context) }, clusterIds };
}

/** The gateway as it is against the desired one; a gateway gateshift did not create is never taken over. */
async function compare(traffic: ClbTraffic) {
  const { source } = preparedClb(traffic);
  const { ref: gateway, clusterIds } = gatewayOf(traffic);
  const request = { source, name: gateway.name, namespace: gateway.namespace, asmContext: gateway.context, clusterIds };
  const check = await ensureIstioGateway({ ...request, mode: 'verify' });
  const existing = await getObject(gateway);
  const foreign = existing !== undefined && !onlyGateshiftManages(existing) && !check.ok;
  const heading = `IstioGateway ${gateway.namespace}/${gateway.name}: ${existing ? 'update' : 'create'}`;
  return {
    gateway,
    request,
    check,
    foreign,
    lines: check.ok ? [] : [heading, ...check.diff.map((line) => `  ${line}`)],
  };
}

export async function previewAsmGateway(traffic: ClbTraffic): Promise<ActionOutcome> {
  const { gateway, foreign, lines } = await compare(traffic);
  if (foreign) return { changes: [`refuses: ${notOurs(gateway)}`, ...lines] };
  return { changes: lines };
}

const notOurs = (gateway: { namespace: string; name: string }) =>
  `IstioGateway ${gateway.namespace}/${gateway.name} exists, was not created by gateshift and differs: gateshift does not take it over; name another in traffic.prepare.asmGateway.name, or fix it by hand`;

export async function createAsmGateway(traffic: ClbTraffic): Promise<ActionOutcome> {
  const { gateway, request, check, foreign, lines } = await compare(traffic);
  if (check.ok) return { changes: [] };
  if (foreign) throw kubeFailure('KubeInvalidRequest', `${notOurs(gateway)} (${check.diff.join('; ')})`);
  await ensureIstioGateway({ ...request, mode: 'apply' });
  return { changes: lines };
}

export async function deleteAsmGateway(traffic: ClbTraffic): Promise<ActionOutcome> {
  const { ref: gateway } = gatewayOf(traffic);
  const existing = await getObject(gateway);
  if (!existing || !onlyGateshiftManages(existing)) return { changes: [] };
  await deleteObject(gateway);
  return { changes: [`IstioGateway ${gateway.namespace}/${gateway.name}: deleted`] };
}
