// The registry of the drivers' pure halves, keyed by the input's `traffic.kind`. Adding a driver: its
// file here and one line below (and its side-effect half in activities/drivers/).
import { asmGatewayCanaryPlan } from './asm-gateway-canary.js';
import { clbAnnotationPlan } from './clb-annotation.js';
import { fragmentsOf } from './registry.js';
import { virtualServicePlan } from './virtualservice.js';

export const PLAN_DRIVERS = {
  [clbAnnotationPlan.kind]: clbAnnotationPlan,
  [asmGatewayCanaryPlan.kind]: asmGatewayCanaryPlan,
  [virtualServicePlan.kind]: virtualServicePlan,
} as const;

export type DriverKind = keyof typeof PLAN_DRIVERS;
export type TrafficPlan = ReturnType<(typeof PLAN_DRIVERS)[DriverKind]['traffic']>;
export type TrafficOf<K extends DriverKind> = Extract<TrafficPlan, { kind: K }>;

/** The fragments of every driver, for the input schema's discriminated union on `kind`. */
export const trafficFragments = () => fragmentsOf(PLAN_DRIVERS);
