// The CLB driver's preparation actions (each with its undo) and the condition that ends it.
import {
  type ClbTraffic,
  PREPARE_ACTIONS,
  PREPARE_UNDO,
  PREPARED_CONDITION,
  type RouteProbe,
  SOURCE_REGISTERED_CONDITION,
} from '../../../../src/plan/index.js';
import type { ClbClient } from '../../../clb/client.js';
import type { Action, Condition } from '../../driver.js';
import { createAsmGateway, deleteAsmGateway, previewAsmGateway } from './asm-gateway.js';
import { makeClbReusable, previewClbReuse, restoreClbReuseBlocks } from './clb-reuse.js';
import { moveListeners, previewListenerMoves, restoreListenerGroups } from './listener-groups.js';
import { prepared } from './prepared.js';
import { preparedClb } from './record.js';
import { copyRouting, previewRoutingCopies, removeRoutingCopies } from './routing-copies.js';
import { annotateSource, previewSourceAnnotations, restoreSourceAnnotations } from './source-annotations.js';
import { sourceRegistered } from './source-registered.js';

export function preparationActions(clbClient: (regionId: string) => ClbClient): Record<string, Action<ClbTraffic>> {
  const client = (traffic: ClbTraffic) => clbClient(preparedClb(traffic).lb.region);
  return {
    [PREPARE_ACTIONS.fixClb]: (traffic) => makeClbReusable(client(traffic), traffic),
    [PREPARE_UNDO[PREPARE_ACTIONS.fixClb]]: (traffic) => restoreClbReuseBlocks(client(traffic), traffic),
    [PREPARE_ACTIONS.annotate]: annotateSource,
    [PREPARE_UNDO[PREPARE_ACTIONS.annotate]]: restoreSourceAnnotations,
    [PREPARE_ACTIONS.moveListeners]: (traffic) => moveListeners(client(traffic), traffic),
    [PREPARE_UNDO[PREPARE_ACTIONS.moveListeners]]: (traffic) => restoreListenerGroups(client(traffic), traffic),
    [PREPARE_ACTIONS.gateway]: createAsmGateway,
    [PREPARE_UNDO[PREPARE_ACTIONS.gateway]]: deleteAsmGateway,
    [PREPARE_ACTIONS.copy]: copyRouting,
    [PREPARE_UNDO[PREPARE_ACTIONS.copy]]: removeRoutingCopies,
  };
}

/** What each preparation action would change now, for its approver. */
export function preparationPreviews(clbClient: (regionId: string) => ClbClient): Record<string, Action<ClbTraffic>> {
  const client = (traffic: ClbTraffic) => clbClient(preparedClb(traffic).lb.region);
  return {
    [PREPARE_ACTIONS.fixClb]: (traffic) => previewClbReuse(client(traffic), traffic),
    [PREPARE_ACTIONS.annotate]: previewSourceAnnotations,
    [PREPARE_ACTIONS.moveListeners]: (traffic) => previewListenerMoves(client(traffic), traffic),
    [PREPARE_ACTIONS.gateway]: previewAsmGateway,
    [PREPARE_ACTIONS.copy]: previewRoutingCopies,
  };
}

export function preparationConditions(
  clbClient: (regionId: string) => ClbClient,
): Record<string, Condition<ClbTraffic>> {
  return {
    [SOURCE_REGISTERED_CONDITION]: (traffic) => sourceRegistered(clbClient, traffic),
    [PREPARED_CONDITION]: (traffic, args) => prepared(clbClient, traffic, args.routes as RouteProbe[]),
  };
}
