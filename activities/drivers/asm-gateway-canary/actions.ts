// The canary upgrade's side effects: the annotation that deploys the canary (and its removal, the undo),
// and the gateway upgrade through the ASM API, which first checks with PreCheck. Each is idempotent.

import { Context } from '@temporalio/activity';
import { CANARY_ANNOTATION, type CanaryTraffic } from '../../../src/plan/index.js';
import type { ActionOutcome } from '../../contracts.js';
import { pollUntil } from '../../engine/poll.js';
import { asmContext } from '../../kube/config.js';
import { setObjectAnnotation } from '../../kube/object-annotation.js';
import { ISTIO_GATEWAYS } from '../../kube/resources.js';
import { type CanaryClients, canaryConditions, gatewayFullName } from './conditions.js';

export function istioGatewayRef(traffic: CanaryTraffic) {
  const { namespace, name, asmContext: context } = traffic.gateway;
  return { resource: ISTIO_GATEWAYS, namespace, name, context: asmContext(context) };
}

async function setCanaryAnnotation(traffic: CanaryTraffic, value: 'true' | null): Promise<ActionOutcome> {
  const write = await setObjectAnnotation(istioGatewayRef(traffic), CANARY_ANNOTATION, value);
  const gateway = `IstioGateway ${traffic.gateway.namespace}/${traffic.gateway.name}`;
  if (!write.changed) return { changes: [] };
  return {
    changes: [value === null ? `${gateway}: removed ${CANARY_ANNOTATION}` : `${gateway}: ${CANARY_ANNOTATION}: "true"`],
  };
}

/** Nothing to do when the upgrade is already under way or done: there is no second upgrade to ask for. */
const UNDER_WAY = new Set(['upgrading', 'finished']);

async function upgradeGateway(clients: CanaryClients, traffic: CanaryTraffic): Promise<ActionOutcome> {
  const asm = clients.asm(traffic.mesh.region);
  const name = gatewayFullName(traffic);
  const status = await asm.describeUpgradeStatus(traffic.mesh.id, [name]);
  if (UNDER_WAY.has(status.gateways[name]?.status ?? '')) return { changes: [] };
  await asm.upgradeGateways(traffic.mesh.id, [name], traffic.targetVersion, true);
  await asm.upgradeGateways(traffic.mesh.id, [name], traffic.targetVersion, false);
  return {
    changes: [`ASM ${traffic.mesh.id}: upgrade of ${name} to ${traffic.targetVersion} started (pre-check passed)`],
  };
}

/** The undo of the canary: the annotation removed, then the canary waited out (ASM deletes it). */
async function removeCanary(clients: CanaryClients, traffic: CanaryTraffic): Promise<ActionOutcome> {
  const removed = await setCanaryAnnotation(traffic, null);
  const context = Context.current();
  const gone = await pollUntil(
    () => canaryConditions(clients)['canary-removed'](traffic),
    (state) => state.met,
    {
      timeoutMs: traffic.timeoutsMs.removal,
      heartbeat: (state) => context.heartbeat(state.message),
      sleep: (ms) => context.sleep(ms),
    },
  );
  if (!gone.done) throw new Error(`the canary did not go within the removal timeout: ${gone.last.message}`);
  return { changes: removed.changes.length > 0 ? [...removed.changes, gone.last.message] : [] };
}

export function canaryActions(clients: CanaryClients) {
  return {
    'annotate-canary': (traffic: CanaryTraffic) => setCanaryAnnotation(traffic, 'true'),
    'remove-canary-annotation': (traffic: CanaryTraffic) => setCanaryAnnotation(traffic, null),
    'remove-canary': (traffic: CanaryTraffic) => removeCanary(clients, traffic),
    'upgrade-gateway': (traffic: CanaryTraffic) => upgradeGateway(clients, traffic),
  };
}
