// The ASM gateway canary upgrade's side-effect half: its pre-flight, its actions (the canary annotation
// and its undo, the gateway upgrade) and the conditions its await steps wait for. It moves no weights.
import type { CanaryTraffic } from '../../../src/plan/index.js';
import type { DriverActivities } from '../driver.js';
import { canaryActions } from './actions.js';
import { type CanaryClients, canaryConditions } from './conditions.js';
import { canaryPreflight } from './preflight.js';

export function asmGatewayCanaryActivities(clients: CanaryClients): DriverActivities<CanaryTraffic> {
  return {
    preflight: (plan, progress) => canaryPreflight(clients, plan, progress),
    actions: canaryActions(clients),
    conditions: canaryConditions(clients),
  };
}
