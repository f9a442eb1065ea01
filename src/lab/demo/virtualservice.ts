// The canary-cluster demo: the bookinfo route of the source cluster's ingress VirtualService moves to
// the target cluster through five phases; the breach scenario makes the target cluster's backend fail
// 30% of requests during phase 2. The chart shows the requests each cluster served.
import { type CanaryClusterLab, startCanaryClusterLab } from '../canary-cluster/index.js';
import { CLUSTERS } from '../canary-cluster/names.js';
import { labVirtualServiceInput } from '../input.js';
import type { DemoDriver } from './driver.js';
import { endPhases, followPhases, type PhasesProgress, type WeightPhasesDemo } from './weight-phases.js';

const phases: WeightPhasesDemo<CanaryClusterLab> = {
  target: CLUSTERS.target,
  breachPhase: 2,
  injectFault: async (lab) => {
    lab.targetBackend.faults.errorRatio = 0.3;
  },
  faultMessage: "the target cluster's backend answers 30% of requests with 503",
  chartTitle: 'canary-cluster migration (requests/s served by each cluster)',
  shares: (effective, observed) =>
    `weight applied by the gateway pods ${effective}, served by the target cluster ${observed}`,
  sourceName: 'the source cluster',
};

export const virtualServiceDemo: DemoDriver<PhasesProgress, CanaryClusterLab> = {
  title: "move the bookinfo route from the source cluster to the target cluster by its VirtualService's weights",
  startLab: (options) => startCanaryClusterLab(options),
  input: labVirtualServiceInput,
  follow: followPhases(phases),
  async clearFaults(lab) {
    lab.targetBackend.faults.errorRatio = 0;
  },
  end: endPhases(phases),
};
