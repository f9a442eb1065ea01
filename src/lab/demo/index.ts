// The demos, one per driver, keyed like the drivers' registries.
import type { DriverKind } from '../../plan/index.js';
import { asmGatewayCanaryDemo } from './asm-gateway-canary.js';
import { clbAnnotationDemo } from './clb-annotation.js';
import type { DemoDriver } from './driver.js';

export const DEMOS: { [K in DriverKind]: DemoDriver<unknown> } = {
  'clb-annotation': clbAnnotationDemo as DemoDriver<unknown>,
  'asm-gateway-canary': asmGatewayCanaryDemo as DemoDriver<unknown>,
};

export type { DemoDriver, Outcome, Scenario } from './driver.js';
