// The CLB-annotation driver's side-effect half: the ASM procedure's pre-flight and the weight router
// over the CLB weight annotations, the preparation of a raw cluster (actions with undo), and the
// drain of the source after the last phase.
import { type ClbTraffic, SOURCE_DRAINED } from '../../../src/plan/index.js';
import type { ClbClient } from '../../clb/client.js';
import type { DriverActivities } from '../driver.js';
import { sourceDrained } from './drain.js';
import { clbPreflight } from './preflight/index.js';
import { preparationActions, preparationConditions, preparationPreviews } from './preparation/index.js';
import { clbRouter } from './router.js';

export function clbAnnotationActivities(clbClient: (regionId: string) => ClbClient): DriverActivities<ClbTraffic> {
  return {
    preflight: (plan, progress) => clbPreflight(clbClient, plan, progress),
    router: clbRouter(clbClient),
    actions: preparationActions(clbClient),
    previews: preparationPreviews(clbClient),
    conditions: { ...preparationConditions(clbClient), [SOURCE_DRAINED]: sourceDrained },
  };
}
