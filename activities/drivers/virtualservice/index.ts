// The canary-cluster driver's side-effect half: its pre-flight, the preparation and its undo, and the
// weight router over the moved routes of the VirtualService with the gateway pods' read-back.
import type { VirtualServiceTraffic } from '../../../src/plan/index.js';
import type { DriverActivities } from '../driver.js';
import { virtualServiceActions } from './actions.js';
import { virtualServicePreflight } from './preflight.js';
import { virtualServiceRouter } from './router.js';

export function virtualServiceActivities(): DriverActivities<VirtualServiceTraffic> {
  return {
    preflight: virtualServicePreflight,
    router: virtualServiceRouter(),
    actions: virtualServiceActions,
    conditions: {},
  };
}
