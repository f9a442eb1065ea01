// The demos, one per driver, keyed like the drivers' registries.
import type { DriverKind } from '../../plan/index.js';
import { asmGatewayCanaryDemo } from './asm-gateway-canary.js';
import { clbAnnotationDemo } from './clb-annotation.js';
import type { DemoDriver, DemoLab } from './driver.js';
import { virtualServiceDemo } from './virtualservice.js';

export const DEMOS: { [K in DriverKind]: DemoDriver<unknown, DemoLab> } = {
  'clb-annotation': clbAnnotationDemo as DemoDriver<unknown, DemoLab>,
  'asm-gateway-canary': asmGatewayCanaryDemo as DemoDriver<unknown, DemoLab>,
  virtualservice: virtualServiceDemo as DemoDriver<unknown, DemoLab>,
};

export type { DemoDriver, Outcome, Scenario } from './driver.js';
