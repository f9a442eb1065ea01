// The registry of the drivers' side-effect halves, keyed by `traffic.kind` like src/plan/drivers/.
// Adding a driver: its folder here and one line below.
import type { DriverKind, TrafficOf, TrafficPlan } from '../../src/plan/index.js';
import type { AsmClient } from '../asm/client.js';
import type { ClbClient } from '../clb/client.js';
import { asmGatewayCanaryActivities } from './asm-gateway-canary/index.js';
import { clbAnnotationActivities } from './clb-annotation/index.js';
import type { DriverActivities } from './driver.js';
import { virtualServiceActivities } from './virtualservice/index.js';

/** What the drivers need from the worker: its cloud clients (credentials stay inside them). */
export interface DriverDependencies {
  clbClient(regionId: string): ClbClient;
  asmClient(regionId: string): AsmClient;
}

export type DriverRegistry = { [K in DriverKind]: DriverActivities<TrafficOf<K>> };

export function createDrivers(deps: DriverDependencies): DriverRegistry {
  return {
    'clb-annotation': clbAnnotationActivities(deps.clbClient),
    'asm-gateway-canary': asmGatewayCanaryActivities({ asm: deps.asmClient, clb: deps.clbClient }),
    virtualservice: virtualServiceActivities(),
  };
}

/** The half of the driver a request's traffic names; the registry is keyed by that same kind. */
export function driverFor(drivers: DriverRegistry, traffic: TrafficPlan): DriverActivities<TrafficPlan> {
  return drivers[traffic.kind] as DriverActivities<TrafficPlan>;
}
