// The CLB migration's demo: the lab's two CLBs from the Istio gateway to the ASM gateway through five
// phases; the breach scenario makes the ASM gateway fail during phase 3.
import { type Lab, startLab } from '../index.js';
import { labMigrationInput } from '../input.js';
import { TARGET_GATEWAY } from '../names.js';
import type { DemoDriver } from './driver.js';
import { endPhases, followPhases, type PhasesProgress, type WeightPhasesDemo } from './weight-phases.js';

const phases: WeightPhasesDemo<Lab> = {
  target: TARGET_GATEWAY,
  breachPhase: 3,
  injectFault: (lab) => lab.faults.set({ targetErrorRatio: 0.3 }),
  faultMessage: 'the ASM gateway answers 30% of requests with 503',
  chartTitle: 'CLB migration',
  shares: (effective, observed) => `effective target share ${effective}, observed ${observed}`,
  sourceName: 'the source',
};

export const clbAnnotationDemo: DemoDriver<PhasesProgress> = {
  startLab: (options) => startLab({ start: 'istio-serving', ...options }),
  title: 'migrate the lab cluster from its Istio gateway to its ASM gateway behind two CLBs',
  input: labMigrationInput,
  follow: followPhases(phases),
  clearFaults: (lab) => lab.faults.set({ targetErrorRatio: 0 }),
  end: endPhases(phases),
};
