// The plan registry the test bundle uses in place of src/plan/drivers/index.ts: the product's drivers
// and the test-only one.
import { clbAnnotationPlan } from '../../../src/plan/drivers/clb-annotation.js';
import { fragmentsOf } from '../../../src/plan/drivers/registry.js';
import { stepsPlan } from './plan.js';

export const PLAN_DRIVERS = {
  [clbAnnotationPlan.kind]: clbAnnotationPlan,
  [stepsPlan.kind]: stepsPlan,
} as const;

export const trafficFragments = () => fragmentsOf(PLAN_DRIVERS);
