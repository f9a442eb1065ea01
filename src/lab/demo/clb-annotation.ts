// The CLB migration's demo: from the raw lab, the preparation (the CLB made reusable, the source
// annotated, the ASM gateway created, the routing copied), then the CLB from the Istio gateway to the
// ASM gateway through five phases (`--prepared`: the prepared lab's two CLBs); the breach scenario
// makes the ASM gateway fail during phase 3.
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
  // From the raw cluster, the preparation (steps 1–3) first; `--prepared`: the two CLBs, prepared.
  startLab: ({ prepared, ...options }) => startLab({ start: prepared ? 'istio-serving' : 'raw', ...options }),
  title: 'migrate the lab cluster from its Istio gateway to an ASM gateway behind its CLB(s)',
  input: ({ prepared, ...options }) => labMigrationInput({ ...options, raw: !prepared }),
  follow: followPhases(phases),
  clearFaults: (lab) => lab.faults.set({ targetErrorRatio: 0 }),
  end: endPhases(phases),
};
