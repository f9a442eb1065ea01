// The CLB driver's preparation actions (each with its undo) and the condition that ends it.
import {
  type ClbTraffic,
  PREPARE_ACTIONS,
  PREPARE_UNDO,
  PREPARED_CONDITION,
  type RouteProbe,
} from '../../../../src/plan/index.js';
import type { ClbClient } from '../../../clb/client.js';
import type { Action, Condition } from '../../driver.js';
import { createAsmGateway, deleteAsmGateway } from './asm-gateway.js';
import { makeClbReusable, preparedClb, restoreClbReuseBlocks } from './clb-reuse.js';
import { prepared } from './prepared.js';
import { copyRouting, removeRoutingCopies } from './routing-copies.js';
import { annotateSource, restoreSourceAnnotations } from './source-annotations.js';

export function preparationActions(clbClient: (regionId: string) => ClbClient): Record<string, Action<ClbTraffic>> {
  const client = (traffic: ClbTraffic) => clbClient(preparedClb(traffic).lb.region);
  return {
    [PREPARE_ACTIONS.fixClb]: (traffic) => makeClbReusable(client(traffic), traffic),
    [PREPARE_UNDO[PREPARE_ACTIONS.fixClb]]: (traffic) => restoreClbReuseBlocks(client(traffic), traffic),
    [PREPARE_ACTIONS.annotate]: annotateSource,
    [PREPARE_UNDO[PREPARE_ACTIONS.annotate]]: restoreSourceAnnotations,
    [PREPARE_ACTIONS.gateway]: createAsmGateway,
    [PREPARE_UNDO[PREPARE_ACTIONS.gateway]]: deleteAsmGateway,
    [PREPARE_ACTIONS.copy]: copyRouting,
    [PREPARE_UNDO[PREPARE_ACTIONS.copy]]: removeRoutingCopies,
  };
}

export function preparationConditions(
  clbClient: (regionId: string) => ClbClient,
): Record<string, Condition<ClbTraffic>> {
  return {
    [PREPARED_CONDITION]: (traffic, args) => prepared(clbClient, traffic, args.routes as RouteProbe[]),
  };
}
