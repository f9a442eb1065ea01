// Step 3 of the ASM procedure: the Gateways (spec.selector.istio rewritten to the ASM gateway), the
// VirtualServices and the DestinationRules of the routing namespaces copied to the ASM control plane,
// by server-side apply after a dry run. gateshift never overwrites an object there that it did not
// write; the undo deletes the copies gateshift alone wrote.
import { type ClbTraffic, copiedGatewayName } from '../../../../src/plan/index.js';
import type { ActionOutcome } from '../../../contracts.js';
import { asmContext } from '../../../kube/config.js';
import { type CopiedObject, type CopyGatewaysResult, copyGateways } from '../../../kube/copy-gateways.js';
import { kubeFailure } from '../../../kube/errors.js';
import { deleteObject, getObject, onlyGateshiftManages } from '../../../kube/objects.js';
import { DESTINATION_RULES, GATEWAYS, type KubeResource, VIRTUAL_SERVICES } from '../../../kube/resources.js';

const RESOURCES: Record<string, KubeResource> = Object.fromEntries(
  [GATEWAYS, VIRTUAL_SERVICES, DESTINATION_RULES].map((resource) => [resource.kind, resource]),
);

function request(traffic: ClbTraffic, dryRun: boolean) {
  return {
    namespaces: traffic.gatewayNamespaces,
    sourceContext: traffic.source.kubeContext,
    sourceSelector: traffic.source.selector,
    asmGatewayName: copiedGatewayName(traffic),
    asmContext: traffic.prepare?.asmGateway.asmContext,
    dryRun,
  };
}

const refOf = (object: CopiedObject, context: string | undefined) => ({
  resource: RESOURCES[object.kind] ?? GATEWAYS,
  namespace: object.namespace,
  name: object.name,
  context,
});

const skippedLines = (result: CopyGatewaysResult) =>
  result.skipped.map((gateway) => `skipped Gateway ${gateway.namespace}/${gateway.name}: ${gateway.reason}`);

/** The dry run's diff: what the copy would create or update on the ASM control plane. */
export async function previewRoutingCopies(traffic: ClbTraffic): Promise<ActionOutcome> {
  const planned = await copyGateways(request(traffic, true));
  return { changes: [...(planned.changed ? [planned.diff] : []), ...skippedLines(planned)] };
}

export async function copyRouting(traffic: ClbTraffic): Promise<ActionOutcome> {
  const planned = await copyGateways(request(traffic, true));
  const taken: string[] = [];
  for (const object of planned.objects.filter((o) => o.action === 'update')) {
    const existing = await getObject(refOf(object, planned.context));
    if (existing && !onlyGateshiftManages(existing)) taken.push(`${object.kind} ${object.namespace}/${object.name}`);
  }
  if (taken.length > 0)
    throw kubeFailure(
      'KubeInvalidRequest',
      `on the ASM control plane ${taken.join(', ')} exist, were not written by gateshift and differ from the copy: gateshift does not overwrite them; compare them with the dry run and align or remove them by hand:\n${planned.diff}`,
    );
  const copied = await copyGateways(request(traffic, false));
  return { changes: [...(copied.changed ? [copied.diff] : []), ...skippedLines(copied)] };
}

export async function removeRoutingCopies(traffic: ClbTraffic): Promise<ActionOutcome> {
  const context = asmContext(traffic.prepare?.asmGateway.asmContext);
  const planned = await copyGateways(request(traffic, true));
  const changes: string[] = [];
  for (const object of planned.objects) {
    const ref = refOf(object, context);
    const existing = await getObject(ref);
    if (!existing || !onlyGateshiftManages(existing)) continue;
    await deleteObject(ref);
    changes.push(`${object.kind} ${object.namespace}/${object.name}: deleted`);
  }
  return { changes };
}
